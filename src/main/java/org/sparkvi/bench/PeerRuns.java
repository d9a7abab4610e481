package org.sparkvi.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The whole job as a user waits for it, beside its peer on the same events: {@code jobs/sparkvi cavi} run cold in
 * a process of its own (launcher, JVM and Spark start included) against {@code jobs/peers/cavi_numpy.py}, one
 * process of NumPy reading a CSV copy of the catalogue. Medians of the repeats; the ratio is the result.
 */
final class PeerRuns {
    private PeerRuns() {
    }

    static List<Map<String, Object>> compare(SparkSession spark, long n, String input, Path dataDir, int k, int maxIter,
                                            int repeats) throws IOException, InterruptedException {
        Path home = Path.of(System.getenv().getOrDefault("SPARKVI_HOME", ".")).toAbsolutePath();
        Path csv = csvCopy(spark, input, dataDir.resolve("comcat-" + n + ".csv").toAbsolutePath());
        List<Double> command = new ArrayList<>();
        List<Double> numpy = new ArrayList<>();
        String numpyNote = null;
        for (int r = 0; r < repeats; r++) {
            command.add(time(home, List.of(home.resolve("jobs/sparkvi").toString(), "cavi", "--input", input, "--output",
                    dataDir.resolve("cold-out-" + n).toAbsolutePath().toString(), "--overwrite", "--k", String.valueOf(k),
                    "--restarts", "1", "--max-iter", String.valueOf(maxIter), "--tol", "0")));
            try {
                numpy.add(time(home, List.of("python3", home.resolve("jobs/peers/cavi_numpy.py").toString(), csv.toString(),
                        dataDir.resolve("numpy-" + n + ".npy").toAbsolutePath().toString(), String.valueOf(k),
                        String.valueOf(maxIter))));
            } catch (IOException e) {
                numpyNote = e.getMessage();
                break;
            }
        }
        double c = Medians.of(command);
        System.out.printf(Locale.ROOT, "  %-32s %9.3f%n", "jobs/sparkvi cavi, cold (median)", c);
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row(n, "command cold", c, null));
        if (numpyNote != null) {
            System.out.println("  NumPy peer not run: " + numpyNote);
        } else {
            double p = Medians.of(numpy);
            System.out.printf(Locale.ROOT, "  %-32s %9.3f   (command / NumPy = %.2f)%n", "NumPy peer, one process (median)", p,
                    c / p);
            rows.add(row(n, "numpy peer", p, c / p));
        }
        return rows;
    }

    private static Map<String, Object> row(long n, String phase, double seconds, Double ratio) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", n);
        m.put("phase", phase);
        m.put("seconds", seconds);
        m.put("command_over_numpy", ratio);
        return m;
    }

    /** latitude,longitude,mag with a header, one file, written once. */
    private static Path csvCopy(SparkSession spark, String input, Path dir) throws IOException {
        if (!Files.exists(dir.resolve("_SUCCESS"))) {
            spark.read().parquet(input).select("latitude", "longitude", "mag").coalesce(1).write().mode(SaveMode.Overwrite)
                    .option("header", "true").csv(dir.toString());
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst()
                    .orElseThrow(() -> new IOException("no CSV part in " + dir));
        }
    }

    /** Wall-clock seconds of a process; its output is kept in the log only when it fails. */
    private static double time(Path home, List<String> command) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.lines().reduce((a, b) -> b).orElse(""));
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
