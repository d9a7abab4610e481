package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C, {@code kill} and Airflow's task timeout send) in the middle of a fit: the job says it was
 * interrupted and that the previous output is kept, removes its staging folder, and leaves the previous output
 * byte for byte as it was. The job runs in a JVM of its own, as a user runs it.
 */
class InterruptedRunTest {
    @TempDir
    Path dir;

    @Test
    void sigtermMidFitKeepsThePreviousOutputAndSaysSo() throws Exception {
        Path output = dir.resolve("cavi");
        String[] args = {"cavi", "--input", "data/earthquakes.parquet", "--k", "3", "--output",
            output.toString()};
        assertEquals(0, Cli.run(args).code());
        byte[] before = Files.readAllBytes(output.resolve("summary.json"));

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Arrays.asList(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions().split(" ")));
        cmd.addAll(List.of("-Xmx768m", "-Djava.awt.headless=true", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "org.sparkvi.cli.Main"));
        cmd.addAll(Arrays.asList(args));
        // a hundred restarts of up to 10^4 iterations: minutes of work, stopped seconds in
        cmd.addAll(List.of("--restarts", "100", "--max-iter", "10000", "--master", "local[1]"));
        Path log = dir.resolve("run.log");
        Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (staging().isEmpty()) {
                assertTrue(run.isAlive() && System.nanoTime() < deadline, "the run did not start; see " + log);
                Thread.sleep(50);
            }
            Thread.sleep(3000);
            assertTrue(run.isAlive(), "the run ended before it could be interrupted; see " + log);
            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM; see " + log);
        } finally {
            run.destroyForcibly();
        }
        String said = Files.readString(log);
        assertNotEquals(0, run.exitValue());
        assertTrue(said.contains("sparkvi: interrupted; previous output at ") && said.contains(output + " kept"), said);
        assertArrayEquals(before, Files.readAllBytes(output.resolve("summary.json")), "the previous output is untouched");
        assertEquals(List.of(), staging(), "the staging folder is removed");
    }

    private List<Path> staging() throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".cavi.tmp-")).toList();
        }
    }
}
