package org.sparkvi.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.vae.BarrierEpochEngine;
import org.sparkvi.vae.GradientSource;
import org.sparkvi.vae.LocalGradientSource;
import org.sparkvi.vae.MnistData;
import org.sparkvi.vae.SparkGradientSource;
import org.sparkvi.vae.TrainingState;
import org.sparkvi.vae.VaeConfig;
import org.sparkvi.vae.VaeListener;
import org.sparkvi.vae.VaeNetwork;
import org.sparkvi.vae.VaeTrainer;

/**
 * {@code jobs/bench vae [--images 10000] [--epochs 2] [--repeats 3]}: training images per second of the reference
 * VAE (batch 100) in float32 and in double, in this process and data-parallel on Spark (barrier engine with 1 and 2
 * partitions, one job per step with 2), and this machine's GEMM ceiling for each precision measured in the same run:
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

    static final double TORCH_IMAGES_PER_SECOND = 3500;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.exists(Path.of("data/mnist/train-images-idx3-ubyte")) ? Path.of("data/mnist")
                : Path.of("data/mnist-sample");
        MnistData all = MnistData.load(dir, "train");
        int n = Math.min(images, all.count());
        MnistData train = new MnistData(n, all.pixels(), Arrays.copyOf(all.images(), n * all.pixels()),
                Arrays.copyOf(all.labels(), n));
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
        System.out.printf(Locale.ROOT, "%-44s %12s %14s %14s%n", "training", "images/s", "vs PyTorch", "of ceiling");
        for (String p : precisions) {
            VaeConfig c = config(base, p);
            double ceiling = ceilings.get(p);
            report(p + ", single process (no Spark)", Medians.of(run(c, train, test, 0, spark, repeats)), ceiling);
            for (int parts : new int[] {1, 2}) {
                if (BarrierEpochEngine.available(spark, parts)) {
                    report(p + ", Spark barrier engine, " + parts + " partition" + (parts > 1 ? "s" : ""),
                            Medians.of(runBarrier(c, train, test, parts, spark, repeats)), ceiling * Math.min(parts, cores));
                }
            }
            if (!skipStepsEngine) {
                report(p + ", Spark job per step, 2 partitions", Medians.of(run(c, train, test, 2, spark, repeats)),
                        ceiling * Math.min(2, cores));
            }
        }
        if (!skipStepsEngine) {
            System.out.printf(Locale.ROOT, "%nper step, one Spark job per step, 2 partitions (mean ms over the last run's steps)"
                    + "%n%-10s %9s %9s %10s %15s %7s%n", "precision", "total", "compute", "broadcast", "sched+transfer", "merge");
            for (String p : precisions) {
                SparkGradientSource.StepTiming t = LAST_TIMING.get(p);
                System.out.printf(Locale.ROOT, "%-10s %9.1f %9.1f %10.1f %15.1f %7.1f%n", p, 1e3 * t.total / t.steps,
                        1e3 * t.compute / t.steps, 1e3 * t.broadcast / t.steps, 1e3 * t.synchronisation() / t.steps,
                        1e3 * t.merge / t.steps);
            }
        }
        return 0;
    }

    static VaeConfig config(VaeConfig base, String precision) {
        return base.withPrecision(VaeConfig.Precision.valueOf(precision.toUpperCase(Locale.ROOT)));
    }

    private static final java.util.Map<String, SparkGradientSource.StepTiming> LAST_TIMING = new java.util.HashMap<>();

    static void report(String what, double rate, double ceiling) {
        System.out.printf(Locale.ROOT, "%-44s %12.0f %13.2fx %13.0f%%%n", what, rate, rate / TORCH_IMAGES_PER_SECOND,
                100 * rate / ceiling);
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
