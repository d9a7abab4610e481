package org.sparkvi.cli;

import picocli.CommandLine.Mixin;

/** The options every Spark command shares: --overwrite, --master and --config. */
public final class JobOptions {
    @Mixin
    OverwriteOption overwrite = new OverwriteOption();
    @Mixin
    MasterOption master = new MasterOption();
    @Mixin
    ConfigOption config = new ConfigOption();

    public boolean overwrite() {
        return overwrite.value();
    }

    public String master() {
        return master.value();
    }
}
