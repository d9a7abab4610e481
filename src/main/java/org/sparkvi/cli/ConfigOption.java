package org.sparkvi.cli;

import picocli.CommandLine.Option;

/** {@code --config}: a properties file of option defaults (read before parsing by {@link ConfigFileDefaults}). */
public final class ConfigOption {
    @Option(names = "--config", description = "properties file of option defaults (default: conf/COMMAND.properties "
            + "when it exists; the command line wins)")
    String config;
}
