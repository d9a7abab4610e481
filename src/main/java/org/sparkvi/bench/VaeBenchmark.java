package org.sparkvi.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.vae.BarrierEpochEngine;
import org.sparkvi.vae.GradientSource;
import org.sparkvi.vae.LocalGradientSource;
import org.sparkvi.vae.MnistData;
import org.sparkvi.vae.SocketEpochEngine;
import org.sparkvi.vae.SparkGradientSource;
import org.sparkvi.vae.TrainingState;
import org.sparkvi.vae.VaeConfig;
import org.sparkvi.vae.VaeListener;
import org.sparkvi.vae.VaeNetwork;
import org.sparkvi.vae.VaeTrainer;

/**
 * {@code jobs/bench vae [--images 10000] [--epochs 2] [--repeats 3] [--json FILE]}: training images per second of the
 * reference VAE (batch 100) in float32 and in double, in this process and data-parallel on Spark (the in-memory
 * barrier engine with 1 and 2 partitions, the socket engine over loopback, one job per step with 2), the socket engine
 * on a standalone cluster of one-core executors that it starts, the socket all-reduce alone against the bytes it
 * moves, and this machine's GEMM ceiling for each precision measured in the same run:
 * the step's sgemm or dgemm calls timed alone on its own shapes ({@link GemmCeiling}), per core at batch 100 (the
 * ceiling quoted) and on all cores at once at the shards' batch (100/P rows each, the shapes a data-parallel step
 * really has). Beside PyTorch's 3,500 images/s on this machine (../shared/anchors.md). The last epoch of each run is
 * timed; medians of the repeats.
 */
@Command(name = "vae", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "VAE training speed in float32 and double: images/s single-process and data-parallel, against the GEMM ceilings measured in the same run and PyTorch")
public final class VaeBenchmark implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--images", description = "training images")
    int images = 10_000;
    @Option(names = "--epochs", description = "epochs per timed run")
    int epochs = 2;
    @Option(names = "--repeats", description = "runs; medians")
    int repeats = 3;
    @Option(names = "--master", description = "Spark master URL (default local[*])")
    String master;
    @Option(names = "--precision", split = ",", description = "precisions to measure")
    java.util.List<String> precisions = java.util.List.of("float", "double");
    @Option(names = "--skip-steps-engine", description = "leave out one Spark job per step (slow)")
    boolean skipStepsEngine;
    @Option(names = "--cluster-executors", description = "executors (1 core each, one per worker) of the standalone "
            + "cluster on 127.0.0.1 that the socket engine's row starts; 0: no cluster row")
    int clusterExecutors = 2;
    @Option(names = "--cluster-only", description = "only the socket engine's cluster row (no local rows, no exchange table)")
    boolean clusterOnly;
    @Option(names = "--transport", split = ",", description = "the socket engine's transports to measure (auto: shared "
            + "memory between ranks on one host, TCP between hosts; tcp: TCP always); a row each")
    java.util.List<String> transports = java.util.List.of("auto", "tcp");
    @Option(names = "--json", description = "also write the rows as a JSON list to this file")
    Path json;

    /** A row of the table: exchange_ms_per_step is NaN (null in JSON) where the engine has no separate exchange. */
    record Row(String engine, String precision, int executors, int partitions, double imagesPerSecond,
               double exchangeMsPerStep, String transport) {
        Row(String engine, String precision, int executors, int partitions, double imagesPerSecond,
            double exchangeMsPerStep) {
            this(engine, precision, executors, partitions, imagesPerSecond, exchangeMsPerStep, null);
        }
    }

    private final java.util.List<Row> rows = new java.util.ArrayList<>();

    static final double TORCH_IMAGES_PER_SECOND = 3500;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.exists(Path.of("data/mnist/train-images-idx3-ubyte")) ? Path.of("data/mnist")
                : Path.of("data/mnist-sample");
        MnistData train = firstImages(dir, images);
        int n = train.count();
        MnistData test = MnistData.load(dir, "t10k");
        SparkSession spark = SparkSessions.getOrCreate("sparkvi bench vae", master);
        int cores = spark.sparkContext().defaultParallelism();
        VaeConfig base = VaeConfig.defaults().withEpochs(epochs);
        System.out.printf(Locale.ROOT, "VAE 784-400-400-(200,200), batch %d, BLAS %s, %d images of %s, %d cores (%s), "
                        + "OPENBLAS_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s%n", base.batchSize(), VaeNetwork.blasName(), n, dir,
                cores, spark.sparkContext().master(), System.getenv("OPENBLAS_NUM_THREADS"),
                System.getenv("OPENBLAS_CORETYPE"));
        System.out.printf(Locale.ROOT, "GEMM: %.3f GFLOP per step of %d images%n", GemmCeiling.stepFlops(base,
                base.batchSize()) / 1e9, base.batchSize());
        java.util.Map<String, Double> ceilings = new java.util.LinkedHashMap<>();
        for (String p : precisions) {
            VaeConfig c = config(base, p);
            String gemm = c.inFloat() ? "sgemm" : "dgemm";
            int shard = c.batchSize() / cores;
            double rate = GemmCeiling.rate(c, c.batchSize(), 1, 20);
            double shardRate = GemmCeiling.rate(c, shard, cores, 20);
            double ceiling = c.batchSize() / (GemmCeiling.stepFlops(c, c.batchSize()) / rate);
            ceilings.put(p, ceiling);
            System.out.printf(Locale.ROOT, "%s: %s on the step's shapes %.1f GFLOP/s (batch %d, 1 thread) -> ceiling %.0f "
                            + "images/s per core, %.0f on %d cores; at the shards' batch %d on %d threads at once %.1f "
                            + "GFLOP/s each -> %.0f images/s%n", p, gemm, rate / 1e9, c.batchSize(), ceiling, ceiling * cores,
                    cores, shard, cores, shardRate / 1e9, cores * shard / (GemmCeiling.stepFlops(c, shard) / shardRate));
        }
        System.out.printf(Locale.ROOT, "%-44s %12s %14s %14s %12s%n", "training", "images/s", "vs PyTorch", "of ceiling",
                "sync ms/step");
        for (String p : precisions) {
            VaeConfig c = config(base, p);
            double ceiling = ceilings.get(p);
            if (clusterOnly) {
                clusterRow(dir, n, c, p, ceiling, spark, train, test);
                continue;
            }
            report(new Row("single-process", p, 1, 0, Medians.of(run(c, train, test, 0, spark, repeats)), Double.NaN),
                    p + ", single process (no Spark)", ceiling);
            for (int parts : new int[] {1, 2}) {
                if (BarrierEpochEngine.available(spark, parts)) {
                    report(new Row("barrier", p, 1, parts, Medians.of(runBarrier(c, train, test, parts, spark, repeats)),
                            Double.NaN), p + ", Spark barrier engine, " + parts + " partition" + (parts > 1 ? "s" : ""),
                            ceiling * Math.min(parts, cores));
                }
            }
            for (String transport : transports) {
                spark.conf().set(SocketEpochEngine.TRANSPORT, transport);
                if (SocketEpochEngine.refusal(spark, 2, false) != null) {
                    continue;
                }
                double[][] socket = new double[repeats][];
                for (int r = 0; r < repeats; r++) {
                    socket[r] = SocketEngineRun.run(spark, c, train, test, 2);
                }
                double[] m = Medians.run(socket);
                report(new Row("socket", p, 1, 2, m[0], m[1], transport), p + ", Spark socket engine, 2 partitions, "
                        + transport, ceiling * Math.min(2, cores));
                System.out.printf(Locale.ROOT, "  (local: step %.1f ms = arithmetic %.1f (slowest shard) + exchange %.1f "
                        + "(%.2f MB sent per rank) + the rest; %.0f shared-memory links)%n", c.batchSize() / m[0] * 1e3,
                        m[4], m[1], m[2] / 1e6, m[5]);
            }
            if (!skipStepsEngine) {
                double perStep = Medians.of(run(c, train, test, 2, spark, repeats));
                SparkGradientSource.StepTiming t = LAST_TIMING.get(p);
                report(new Row("steps", p, 1, 2, perStep, 1e3 * (t.total - t.compute) / t.steps),
                        p + ", Spark job per step, 2 partitions", ceiling * Math.min(2, cores));
            }
            if (clusterExecutors > 0) {
                clusterRow(dir, n, c, p, ceiling, spark, train, test);
            }
        }
        if (!skipStepsEngine && !clusterOnly) {
            System.out.printf(Locale.ROOT, "%nper step, one Spark job per step, 2 partitions (mean ms over the last run's steps)"
                    + "%n%-10s %9s %9s %10s %15s %7s%n", "precision", "total", "compute", "broadcast", "sched+transfer", "merge");
            for (String p : precisions) {
                SparkGradientSource.StepTiming t = LAST_TIMING.get(p);
                System.out.printf(Locale.ROOT, "%-10s %9.1f %9.1f %10.1f %15.1f %7.1f%n", p, 1e3 * t.total / t.steps,
                        1e3 * t.compute / t.steps, 1e3 * t.broadcast / t.steps, 1e3 * t.synchronisation() / t.steps,
                        1e3 * t.merge / t.steps);
            }
        }
        if (!clusterOnly) {
            exchangeTable(spark, base);
        }
        if (json != null) {
            writeJson();
        }
        return 0;
    }

    /**
     * The socket engine on a standalone cluster started here: one worker per executor, 1 core each, stopped by id.
     * Unless {@code --cluster-only}, the cluster runs alternate with runs of the in-memory barrier engine (the same
     * partitions, in this JVM), one before the first cluster run and one after each, and each cluster run's ratio to
     * the geometric mean of the in-memory runs just before and just after it is printed: the machine's speed drifts
     * by 10–30% between rows of one benchmark, and a cluster run's timed epoch comes 20–30 s after the run before it
     * (its driver's start and first epoch), so a partner on one side only carried that drift into the ratio.
     */
    void clusterRow(Path dir, int n, VaeConfig c, String precision, double ceiling, SparkSession spark, MnistData train,
                    MnistData test) throws Exception {
        boolean paired = !clusterOnly && BarrierEpochEngine.available(spark, clusterExecutors);
        Path tmp = Files.createTempDirectory("sparkvi-bench-cluster");
        try (LoopbackCluster cluster = new LoopbackCluster(tmp, clusterExecutors, 1, "1536m")) {
            for (String transport : transports) {
                int runs = paired ? repeats : 1; // paired: one cluster run per submission, between two partners
                double[][] results = new double[runs][];
                double[] partners = new double[runs + 1];
                double[] ratios = new double[runs];
                Path log = null;
                partners[0] = paired ? runBarrier(c, train, test, clusterExecutors, spark, 1)[0] : Double.NaN;
                for (int r = 0; r < runs; r++) {
                    log = tmp.resolve("driver-" + transport + (paired ? "-" + r : "") + ".log");
                    results[r] = submitSocketRun(cluster, log, dir, n, c, transport, paired ? 1 : repeats, precision);
                    partners[r + 1] = paired ? runBarrier(c, train, test, clusterExecutors, spark, 1)[0] : Double.NaN;
                    ratios[r] = results[r][0] / Math.sqrt(partners[r] * partners[r + 1]);
                }
                double[] f = Medians.run(results);
                report(new Row("socket", precision, clusterExecutors, clusterExecutors, f[0], f[1], transport), precision
                        + ", Spark socket engine, " + clusterExecutors + " executors, " + transport, ceiling * clusterExecutors);
                System.out.printf(Locale.ROOT, "  (cluster: step %.1f ms = arithmetic %.1f (slowest shard) + exchange %.1f "
                        + "(%.2f MB sent per rank) + the rest; rendezvous %.0f ms per epoch; %.0f shared-memory links)%n",
                        c.batchSize() / f[0] * 1e3, f[4], f[1], f[2] / 1e6, f[3], f[5]);
                if (paired) {
                    StringBuilder each = new StringBuilder();
                    for (double x : ratios) {
                        each.append(String.format(Locale.ROOT, " %.2f", x));
                    }
                    StringBuilder around = new StringBuilder();
                    for (double x : partners) {
                        around.append(String.format(Locale.ROOT, " %.0f", x));
                    }
                    System.out.printf(Locale.ROOT, "  (each of the geometric mean of the in-memory engine's images/s on %d "
                            + "partitions just before and just after it:%s; median %.2f; the in-memory runs in turn:%s)%n",
                            clusterExecutors, each, Medians.of(ratios), around);
                }
                System.out.println("  (the cluster driver's log: " + log + ")");
            }
        }
    }

    private static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.defaultJavaOptions";
    private static final String EXECUTOR_ENV = "spark.executorEnv.";

    /** One submission of {@link SocketEngineRun} to the cluster: its printed figures (images/s first). */
    private double[] submitSocketRun(LoopbackCluster cluster, Path log, Path dir, int n, VaeConfig c, String transport,
                                     int runs, String precision) throws Exception {
        java.util.List<String> confs = new java.util.ArrayList<>(java.util.List.of("spark.executor.cores=1",
                "spark.executor.memory=1g", "spark.barrier.sync.timeout=300s", SocketEpochEngine.TRANSPORT + "=" + transport));
        // what a user's cluster run gives its executors: conf/spark-defaults.conf's JVM options (the parallel
        // collector; the JVM's default, G1, measured 4-10% slower there) and environment (one BLAS thread per task),
        // which jobs/bench passes to this JVM as system properties
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.equals(EXECUTOR_JAVA_OPTIONS) || key.startsWith(EXECUTOR_ENV)) {
                confs.add(key + "=" + System.getProperty(key));
            }
        }
        int code = cluster.submit(log, confs,
                SocketEngineRun.class.getName(), dir.toAbsolutePath().toString(), String.valueOf(n),
                String.valueOf(c.epochs()), String.valueOf(runs), String.valueOf(clusterExecutors), precision);
        String result = Files.readAllLines(log).stream().filter(l -> l.startsWith(SocketEngineRun.PREFIX))
                .findFirst().orElseThrow(() -> new IllegalStateException("the cluster driver exited with " + code
                        + " and no result; see " + log));
        String[] f = result.trim().split("\\s+");
        double[] out = new double[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            out[i - 1] = Double.parseDouble(f[i]);
        }
        return out;
    }

    /** The socket all-reduce alone over loopback (ranks as threads), and what a barrier-stage sync costs. */
    static void exchangeTable(SparkSession spark, VaeConfig c) throws Exception {
        int size = new org.sparkvi.vae.VaeLayout(c).size();
        System.out.printf(Locale.ROOT, "%nthe all-reduce alone (ranks as threads of this JVM; doubles; median of 30 steps)%n"
                + "%-14s %-8s %12s %22s %12s%n", "transport", "ranks", "doubles", "MB sent per rank/step", "ms/step");
        for (boolean shared : new boolean[] {false, true}) {
            for (int p : new int[] {2, 4}) {
                for (int values : new int[] {size / 4, size}) {
                    ExchangeTiming.Result r = ExchangeTiming.measure(p, values, 30, shared);
                    System.out.printf(Locale.ROOT, "%-14s %-8d %12d %22.2f %12.2f%n", shared ? "shared memory" : "TCP", p,
                            values, r.bytesPerRankPerStep() / 1e6, r.msPerStep());
                }
            }
        }
        System.out.printf(Locale.ROOT, "floor: raw loopback TCP moving one 2-rank phase's %.2f MB each way at once: %.2f ms "
                + "(a step has two phases)%n", 4.0 * size / 1e6, ExchangeTiming.rawExchangeMs(4 * size, 30));
        double[] sync = BarrierCallCost.measure(spark, 2, 5);
        System.out.printf(Locale.ROOT, "one BarrierTaskContext.allGather: %.0f ms, one barrier(): %.0f ms (2 tasks, median "
                + "of 5)%n", sync[0], sync[1]);
    }

    private void writeJson() throws java.io.IOException {
        var list = org.sparkvi.io.Json.MAPPER.createArrayNode();
        for (Row r : rows) {
            var o = list.addObject();
            o.put("engine", r.engine());
            o.put("precision", r.precision());
            o.put("executors", r.executors());
            o.put("partitions", r.partitions());
            if (r.transport() != null) {
                o.put("transport", r.transport());
            }
            o.put("images_per_second", Math.round(r.imagesPerSecond() * 10) / 10.0);
            if (Double.isNaN(r.exchangeMsPerStep())) {
                o.putNull("exchange_ms_per_step");
            } else {
                o.put("exchange_ms_per_step", Math.round(r.exchangeMsPerStep() * 1000) / 1000.0);
            }
        }
        Files.writeString(json, org.sparkvi.io.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list));
    }

    /** The first {@code images} training images of dir. */
    static MnistData firstImages(Path dir, int images) {
        return MnistData.load(dir, "train").first(images);
    }

    static VaeConfig config(VaeConfig base, String precision) {
        return base.withPrecision(VaeConfig.Precision.valueOf(precision.toUpperCase(Locale.ROOT)));
    }

    private static final java.util.Map<String, SparkGradientSource.StepTiming> LAST_TIMING = new java.util.HashMap<>();

    void report(Row row, String what, double ceiling) {
        rows.add(row);
        double rate = row.imagesPerSecond();
        System.out.printf(Locale.ROOT, "%-44s %12.0f %13.2fx %13.0f%% %12s%n", what, rate, rate / TORCH_IMAGES_PER_SECOND,
                100 * rate / ceiling, Double.isNaN(row.exchangeMsPerStep()) ? "" : String.format(Locale.ROOT, "%.1f",
                        row.exchangeMsPerStep()));
    }

    static double[] run(VaeConfig c, MnistData train, MnistData test, int partitions, SparkSession spark, int repeats) {
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            try (GradientSource src = partitions == 0 ? new LocalGradientSource(c, train)
                    : new SparkGradientSource(spark, c, train, partitions)) {
                TrainingState s = VaeTrainer.train(c, train, test, 100, src, null, VaeListener.NONE, null);
                rates[r] = s.metrics().get(s.metrics().size() - 1).imagesPerSecond();
                if (src instanceof SparkGradientSource sg) {
                    LAST_TIMING.put(c.precision().name().toLowerCase(Locale.ROOT), sg.timing());
                }
            }
        }
        return rates;
    }

    static double[] runBarrier(VaeConfig c, MnistData train, MnistData test, int partitions, SparkSession spark, int repeats) {
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            try (BarrierEpochEngine engine = new BarrierEpochEngine(spark, train, partitions)) {
                TrainingState s = VaeTrainer.train(c, train, test, 100, engine, null, VaeListener.NONE, null);
                rates[r] = s.metrics().get(s.metrics().size() - 1).imagesPerSecond();
            }
        }
        return rates;
    }
}
