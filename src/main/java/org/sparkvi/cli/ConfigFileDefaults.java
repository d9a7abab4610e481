package org.sparkvi.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from {@code conf/COMMAND.properties} (keys are the long option names without dashes, e.g.
 * {@code tau = 0.002}); the command line wins. The folder is {@code $SPARKVI_HOME/conf} (set by jobs/sparkvi) or
 * {@code ./conf}; {@code --config FILE} names the file for the command being run.
 */
public final class ConfigFileDefaults implements IDefaultValueProvider {
    private final Path explicit;
    private final Map<String, Properties> byCommand = new HashMap<>();

    public ConfigFileDefaults(Path explicit) {
        if (explicit != null && !Files.isRegularFile(explicit)) {
            throw new UserInputException("config file not found: " + explicit);
        }
        this.explicit = explicit;
    }

    /** The value of {@code --config} among the arguments, or null. */
    public static Path scan(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec opt) || arg.command() == null || arg.command().name() == null) {
            return null;
        }
        String key = opt.longestName().replaceFirst("^-+", "");
        if (key.equals("config") || key.equals("help") || key.equals("version")) {
            return null;
        }
        return properties(arg.command().name()).getProperty(key);
    }

    private Properties properties(String command) {
        return byCommand.computeIfAbsent(command, c -> {
            Properties p = new Properties();
            Path file = explicit != null ? explicit : defaultFile(c);
            if (file != null && Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    p.load(in);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
                }
            }
            return p;
        });
    }

    static Path defaultFile(String command) {
        String home = System.getenv("SPARKVI_HOME");
        Path dir = home != null ? Path.of(home, "conf") : Path.of("conf");
        return dir.resolve(command + ".properties");
    }
}
