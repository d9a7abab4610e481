package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Keys of a config file must be options of the command run: a typo is refused before anything runs. */
class ConfigFileDefaultsTest {
    @TempDir
    Path dir;

    static String run(int expectedCode, String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        assertEquals(expectedCode, code, String.join(" ", args) + ": " + err);
        return err.toString().strip();
    }

    @Test
    void aTypoInACaviConfigIsRefusedWithTheKnownKeys() throws Exception {
        Path conf = dir.resolve("my.properties");
        Files.writeString(conf, "k = 2\nrestart = 1\n");
        Path out = dir.resolve("out");
        String err = run(2, "cavi", "--config", conf.toString(), "--input", dir.resolve("none.parquet").toString(),
                "--output", out.toString());
        assertEquals("sparkvi: error: unknown key 'restart' in config file " + conf + " for cavi (did you mean "
                + "'restarts'?); known keys: input, format, output, k, coords, x-columns, station, strength, "
                + "strength-column, weight-column, tau, rho, nu, alpha, beta, pi, pi-prior, pi-concentration, init, "
                + "init-model, restarts, max-iter, tol, seed, partitions, master", err);
        assertFalse(Files.exists(out));
    }

    @Test
    void overwriteCannotComeFromAConfigFile() throws Exception {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "keep");
        Path conf = dir.resolve("overwrite.properties");
        Files.writeString(conf, "overwrite = true\n");
        String err = run(2, "sample", "exponential", "--config", conf.toString(), "--n", "10", "--output", mine.toString());
        assertEquals("sparkvi: error: 'overwrite' in config file " + conf + " is refused: a run may replace what sparkvi "
                + "did not write only when its own command line says --overwrite", err);
        assertEquals("keep", Files.readString(mine.resolve("notes.txt")));
    }

    @Test
    void aKeyOfAnotherCommandIsRefusedWithThisCommandsKeys() throws Exception {
        Path conf = dir.resolve("normal.properties");
        Files.writeString(conf, "rate = 2\n");
        String err = run(2, "sample", "normal", "--config", conf.toString(), "--n", "10", "--output",
                dir.resolve("out").toString());
        assertEquals("sparkvi: error: unknown key 'rate' in config file " + conf + " for sample normal; known keys: "
                + "mean, std, n, seed, partitions, output, master", err);
    }

    @Test
    void everyKeyOfTheBundledCaviPropertiesIsAccepted() throws Exception {
        // conf/cavi.properties lists its keys commented out; uncommented, each must be an option of cavi
        List<String> lines = Files.readAllLines(Path.of("conf/cavi.properties")).stream()
                .filter(l -> l.matches("# [a-z-]+ = .*")).map(l -> l.substring(2)).collect(Collectors.toList());
        assertEquals(20, lines.size(), "the keys of conf/cavi.properties");
        Path conf = dir.resolve("cavi.properties");
        Files.writeString(conf, String.join("\n", lines) + "\n");
        CommandLine cavi = ConfigFileDefaults.commandRun(new CommandLine(new Main()), new String[] {"cavi"});
        assertEquals("cavi", cavi.getCommandName());
        new ConfigFileDefaults(conf).check(cavi); // throws on an unknown key
        assertTrue(ConfigFileDefaults.keys(cavi.getCommandSpec()).containsAll(lines.stream()
                .map(l -> l.substring(0, l.indexOf(' '))).toList()));
    }

    @Test
    void theNearestKeyIsWithinTwoEdits() {
        var known = new java.util.LinkedHashSet<>(List.of("restarts", "max-iter", "tol", "seed"));
        assertEquals("restarts", ConfigFileDefaults.nearest("restart", known));
        assertEquals("max-iter", ConfigFileDefaults.nearest("max_iter", known));
        assertEquals(null, ConfigFileDefaults.nearest("partitions", known));
        assertEquals(3, ConfigFileDefaults.editDistance("kitten", "sitting"));
    }
}
