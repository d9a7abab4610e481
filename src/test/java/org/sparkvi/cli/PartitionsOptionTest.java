package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A negative --partitions is refused by every command that has the option, not taken as Spark's default. */
class PartitionsOptionTest {
    @TempDir
    Path dir;

    static void commandsWithPartitions(CommandLine c, String path, List<String> found) {
        if (c.getCommandSpec().findOption("--partitions") != null) {
            found.add(path);
        }
        c.getSubcommands().forEach((name, sub) -> commandsWithPartitions(sub, (path + " " + name).strip(), found));
    }

    @Test
    void everyCommandRefusesANegativeCount() {
        String nowhere = dir.resolve("nowhere").toString();
        // each command's other arguments keep a run that wrongly went ahead short (and away from the working tree)
        Map<String, String[]> commands = new LinkedHashMap<>();
        commands.put("cavi", new String[] {"--input", nowhere});
        commands.put("cavi-assign", new String[] {"--model", nowhere, "--input", nowhere});
        commands.put("sample exponential", new String[] {"--n", "10"});
        commands.put("sample categorical", new String[] {"--n", "10"});
        commands.put("sample normal", new String[] {"--n", "10"});
        commands.put("gradients", new String[] {"--samples", "100", "--t", "1"});
        commands.put("vae", new String[] {"--data", nowhere});
        List<String> found = new ArrayList<>();
        commandsWithPartitions(new CommandLine(new Main()), "", found);
        assertEquals(new TreeSet<>(commands.keySet()), new TreeSet<>(found), "the commands with --partitions");
        Path out = dir.resolve("out");
        commands.forEach((command, extra) -> {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of(extra));
            args.addAll(List.of("--partitions", "-3", "--output", out.toString()));
            StringWriter err = new StringWriter();
            int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    args.toArray(new String[0]));
            assertEquals(2, code, command + ": " + err);
            assertEquals("sparkvi: error: --partitions must be 0 (Spark's default parallelism) or a positive count, got -3",
                    err.toString().strip(), command);
        });
        assertFalse(out.toFile().exists());
    }
}
