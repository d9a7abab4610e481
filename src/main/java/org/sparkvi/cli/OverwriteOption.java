package org.sparkvi.cli;

import picocli.CommandLine.Option;

/** {@code --overwrite}: the one way to let a command replace what is at its output path when sparkvi did not write it. */
public final class OverwriteOption {
    @Option(names = "--overwrite", description = "replace what is at --output even if it is not an earlier output of this "
            + "command (never the working folder, its parents, or a path the run reads)")
    boolean overwrite;

    public boolean value() {
        return overwrite;
    }
}
