package org.sparkvi.cli;

import picocli.CommandLine.Option;

/** {@code --master}: where a command's Spark jobs run. */
public final class MasterOption {
    @Option(names = "--master", description = "Spark master URL (default local[*]; under spark-submit, its --master)")
    String master;

    public String value() {
        return master;
    }
}
