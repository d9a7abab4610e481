package org.sparkvi.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.cavi.CaviOptions;
import org.sparkvi.cavi.HyperparameterSpec;
import org.sparkvi.jobs.CaviJob;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.io.CatalogueFormat;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;
import org.sparkvi.report.JobPhases;
import org.sparkvi.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/bench cavi-job}: the whole {@code cavi} job, phase by phase, on generated ComCat catalogues in Parquet
 * ({@link SyntheticComCat}), through the classes the command runs ({@link CaviJob}), ECEF coordinates. Each phase is
 * the median over the repeats; the ratios put reading and writing against the iterations of the same run.
 */
@Command(name = "cavi-job", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "The whole cavi job phase by phase (start, read + validate + cache, moments, seeding, iterations, "
                + "final E-step, each output) on generated ComCat Parquet catalogues.")
public final class CaviJobBenchmark implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", description = "catalogue sizes (events)")
    List<Long> sizes = List.of(1_000_000L, 10_000_000L);
    @Option(names = "--k", description = "clusters K")
    int k = 8;
    @Option(names = "--max-iter", description = "iterations (tol 0: every run does exactly this many)")
    int maxIter = 20;
    @Option(names = "--restarts", description = "restarts")
    int restarts = 1;
    @Option(names = "--repeats", description = "runs per size; each phase is the median")
    int repeats = 3;
    @Option(names = "--files", description = "Parquet files per catalogue (0: one per 500,000 events, at least 2)")
    int files = 0;
    @Option(names = "--data-dir", description = "where the generated catalogues are kept (reused when present)")
    Path dataDir = Path.of("target/bench-data");
    @Option(names = "--json", description = "also write the rows as a JSON list to this file")
    Path json;
    @Option(names = "--peers", negatable = true, defaultValue = "true", fallbackValue = "true", description = "also time, on the same catalogue, the whole command run "
            + "cold (jobs/sparkvi cavi: JVM start included) and the single-process NumPy peer (jobs/peers/cavi_numpy.py, "
            + "on a CSV copy), each --repeats times")
    boolean peers = true;
    @Option(names = "--generate-only", description = "write the catalogues into --data-dir and stop")
    boolean generateOnly;
    @Option(names = "--master", description = "Spark master URL (default local[*])")
    String master;

    @Override
    public Integer call() throws Exception {
        double jvmStart = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        long t0 = System.nanoTime();
        SparkSession spark = SparkSessions.getOrCreate("sparkvi bench cavi-job", master);
        double sessionSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "cavi job, phase by phase: K=%d, %d iterations, %d restart(s), ECEF, %d cores (%s), "
                        + "medians of %d runs; start: JVM %.2f s before main, Spark session %.2f s%n", k, maxIter, restarts,
                spark.sparkContext().defaultParallelism(), spark.sparkContext().master(), repeats, jvmStart, sessionSeconds);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long n : sizes) {
            String input = catalogue(spark, n).toString();
            if (generateOnly) {
                continue;
            }
            List<JobPhases> runs = new ArrayList<>();
            List<Double> whole = new ArrayList<>();
            List<Double> heap = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                awaitCachedBlocksRemoved();
                resetPeaks();
                JobPhases phases = new JobPhases();
                long s = System.nanoTime();
                CaviJob.run(spark, config(input, dataDir.resolve("out-" + n).toString()), phases);
                whole.add((System.nanoTime() - s) / 1e9);
                heap.add(peakHeapBytes() / 1e6);
                runs.add(phases);
            }
            rows.addAll(report(n, runs, Medians.of(whole), Medians.of(heap), jvmStart + sessionSeconds));
            if (peers) {
                rows.addAll(PeerRuns.compare(spark, n, input, dataDir, k, maxIter, repeats));
            }
        }
        if (json != null) {
            Files.writeString(json, Json.write(rows));
            System.out.println("rows written to " + json);
        }
        return 0;
    }

    private Path catalogue(SparkSession spark, long n) {
        Path p = dataDir.resolve("comcat-" + n + ".parquet").toAbsolutePath();
        if (!Files.exists(p.resolve("_SUCCESS"))) {
            int f = files > 0 ? files : (int) Math.max(2, n / 500_000);
            long s = System.nanoTime();
            SyntheticComCat.write(spark, p.toString(), n, f, 2026);
            System.out.printf(Locale.ROOT, "generated %s (%d events, %d files) in %.1f s%n", p, n, f, (System.nanoTime() - s) / 1e9);
        }
        return p;
    }

    private CaviJob.Config config(String input, String output) {
        CaviOptions o = CaviOptions.defaults().withK(k).withMaxIter(maxIter).withTol(0).withRestarts(restarts);
        return new CaviJob.Config(input, CatalogueFormat.PARQUET, output, o, HyperparameterSpec.defaults(),
                CoordinateSystem.of(CoordinateSystem.Kind.ECEF), StrengthSpec.MAG10, null, 0, null, true);
    }

    private List<Map<String, Object>> report(long n, List<JobPhases> runs, double whole, double heapMb, double start) {
        List<Map<String, Object>> rows = new ArrayList<>();
        JobPhases first = runs.get(0);
        double iterations = median(runs, "iterations");
        long iterCount = first.phases().stream().filter(p -> p.name().equals("iterations")).findFirst().orElseThrow().count();
        double perIter = iterations / iterCount;
        System.out.printf(Locale.ROOT, "%n%,d events (%d partitions, %.1f cached bytes/event, driver peak heap %.0f MB)%n", n,
                first.facts().get("partitions").longValue(), first.facts().get("cached_bytes_per_event"), heapMb);
        System.out.printf(Locale.ROOT, "  %-32s %9s %12s %14s %9s %9s %9s%n", "phase", "seconds", "events/s", "x iterations",
                "CPU s", "kernel s", "GC s");
        double writes = 0;
        for (JobPhases.Phase p : first.phases()) {
            double s = median(runs, p.name());
            boolean perEvent = p.name().startsWith("read") || p.name().startsWith("write assignments");
            // what ran beside another write (its own thread) is inside that write's wall time already
            if ((p.name().startsWith("write") || p.name().startsWith("events for") || p.name().startsWith("commit"))
                    && !p.name().contains("(beside")) {
                writes += s;
            }
            String label = p.name().equals("iterations") ? "iterations (" + iterCount + ", " + String.format(Locale.ROOT,
                    "%.3f s each)", perIter) : p.name();
            double cpu = median(runs, p.name(), JobPhases.Phase::cpuSeconds);
            double gc = median(runs, p.name(), JobPhases.Phase::gcSeconds);
            double kernel = median(runs, p.name(), JobPhases.Phase::kernelSeconds);
            System.out.printf(Locale.ROOT, "  %-32s %9.3f %12s %14.2f %9s %9s %9s%n", label, s,
                    perEvent ? String.format(Locale.ROOT, "%.3g", n / s) : "", s / perIter, seconds(cpu), seconds(kernel),
                    seconds(gc));
            Map<String, Object> r = row(n, p.name(), s, perEvent ? n / s : null, s / perIter,
                    p.name().equals("iterations") ? iterCount : null);
            r.put("cpu_seconds", Double.isNaN(cpu) ? null : cpu);
            r.put("gc_seconds", Double.isNaN(gc) ? null : gc);
            r.put("kernel_seconds", Double.isNaN(kernel) ? null : kernel);
            rows.add(r);
        }
        System.out.printf(Locale.ROOT, "  %-32s %9.3f %12s %14.2f%n", "all outputs", writes, "", writes / perIter);
        System.out.printf(Locale.ROOT, "  %-32s %9.3f%n", "whole job (after start)", whole);
        System.out.printf(Locale.ROOT, "  %-32s %9.3f   (start %.2f s + job)%n", "whole job with start", start + whole, start);
        rows.add(row(n, "all outputs", writes, null, writes / perIter, null));
        rows.add(row(n, "whole job", whole, n / whole, whole / perIter, null));
        Map<String, Object> facts = row(n, "facts", 0, null, null, null);
        facts.put("cached_bytes_per_event", first.facts().get("cached_bytes_per_event"));
        facts.put("driver_peak_heap_mb", heapMb);
        facts.put("start_seconds", start);
        rows.add(facts);
        return rows;
    }

    private static Map<String, Object> row(long n, String phase, double seconds, Double eventsPerSecond, Double ofIterations,
                                           Long count) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", n);
        m.put("phase", phase);
        m.put("seconds", seconds);
        m.put("events_per_second", eventsPerSecond);
        m.put("iteration_equivalents", ofIterations);
        m.put("count", count);
        return m;
    }

    private static double median(List<JobPhases> runs, String phase) {
        return median(runs, phase, JobPhases.Phase::seconds);
    }

    /** The median over runs of a figure summed over the phases of that name (NaN when a run did not measure it). */
    private static double median(List<JobPhases> runs, String phase, java.util.function.ToDoubleFunction<JobPhases.Phase> figure) {
        return Medians.of(runs.stream().map(r -> r.phases().stream().filter(p -> p.name().equals(phase))
                .mapToDouble(figure).sum()).toList());
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "" : String.format(Locale.ROOT, "%.2f", s);
    }

    /**
     * Waits (up to 10 s) until this JVM's block manager holds no cached RDD block. A run releases its blocks without
     * blocking, as a job should at its end, so the next repeat could start with the last one's blocks (0.8 GB at
     * 10^7) still held: the collection that {@link #resetPeaks} asks for then moved them instead of freeing them, and
     * the next read paid a full collection to make room, which no user's run pays. Repeats start from the same heap.
     */
    private static void awaitCachedBlocksRemoved() throws InterruptedException {
        org.apache.spark.storage.BlockManager blocks = org.apache.spark.SparkEnv.get().blockManager();
        scala.Function1<org.apache.spark.storage.BlockId, Object> cached = org.apache.spark.storage.BlockId::isRDD;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!blocks.getMatchingBlockIds(cached).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeapBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
