package org.sparkvi.cli;

import org.sparkvi.UserInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from {@code conf/COMMAND.properties} (keys are the long option names without dashes, e.g.
 * {@code tau = 0.002}); the command line wins. The folder is {@code $SPARKVI_HOME/conf} (set by jobs/sparkvi) or
 * {@code ./conf}; {@code --config FILE} names the file for the command being run. A key that is not an option of
 * that command is refused ({@link #check}), so a typo such as {@code restart = 1} does not silently do nothing.
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

    /** The (sub)command the arguments run: the longest chain of subcommand names they start with. */
    public static CommandLine commandRun(CommandLine root, String[] args) {
        CommandLine c = root;
        for (String a : args) {
            CommandLine sub = c.getSubcommands().get(a);
            if (sub == null) {
                break;
            }
            c = sub;
        }
        return c;
    }

    /** The keys a file may set for a command: its options' long names without dashes, in declaration order. */
    static Set<String> keys(CommandSpec command) {
        Set<String> keys = new LinkedHashSet<>();
        for (OptionSpec o : command.options()) {
            String key = key(o);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String key(OptionSpec opt) {
        String key = opt.longestName().replaceFirst("^-+", "");
        // --overwrite lets a run replace what sparkvi did not write: only the command line of that run may say so
        return key.equals("config") || key.equals("help") || key.equals("version") || key.equals("overwrite") ? null : key;
    }

    /** Refuses a key of the command's file that is not one of its options, naming it and the keys there are. */
    public void check(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        Set<String> known = keys(spec);
        if (known.isEmpty()) {
            return; // sparkvi itself, help: no file applies
        }
        List<String> unknown = new ArrayList<>(properties(spec.name()).stringPropertyNames());
        if (unknown.contains("overwrite")) {
            throw new UserInputException("'overwrite' in config file " + file(spec.name()) + " is refused: a run may replace "
                    + "what sparkvi did not write only when its own command line says --overwrite");
        }
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            String key = unknown.get(0);
            String near = nearest(key, known);
            throw new UserInputException("unknown key '" + key + "' in config file " + file(spec.name()) + " for "
                    + spec.qualifiedName().replaceFirst("^sparkvi ", "") + (near == null ? "" : " (did you mean '"
                    + near + "'?)") + "; known keys: " + String.join(", ", known));
        }
    }

    /** The known key within two edits (insertions, deletions, substitutions) of a typo, or null. */
    static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, one row at a time. */
    static int editDistance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int up = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = up;
            }
        }
        return row[b.length()];
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec opt) || arg.command() == null || arg.command().name() == null) {
            return null;
        }
        String key = key(opt);
        return key == null ? null : properties(arg.command().name()).getProperty(key);
    }

    private Path file(String command) {
        return explicit != null ? explicit : defaultFile(command);
    }

    private Properties properties(String command) {
        return byCommand.computeIfAbsent(command, c -> {
            Properties p = new Properties();
            Path file = file(c);
            if (file != null && Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    p.load(in);
                } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: a malformed unicode escape
                    throw new UserInputException("cannot read config file " + file + ": " + e.getMessage(), e);
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
