package org.sparkvi.bench;

import dev.ludovic.netlib.blas.BLAS;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.SplittableRandom;
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
 * VAE (batch 100), in this process and data-parallel on Spark with 1 and 2 partitions, and this machine's GEMM
 * ceiling measured in the same run: the step's dgemm calls timed alone on its own shapes, so
 * ceiling = batch / (step GEMM FLOPs / measured GEMM rate). Beside PyTorch's 3,500 images/s on this machine
 * (../shared/anchors.md). The last epoch of each run is timed; medians of the repeats.
 */
@Command(name = "vae", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "VAE training speed: images/s single-process and data-parallel, against the GEMM ceiling measured in the same run and PyTorch")
public final class VaeBenchmark implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--images", description = "training images")
    int images = 10_000;
    @Option(names = "--epochs", description = "epochs per timed run")
    int epochs = 2;
    @Option(names = "--repeats", description = "runs; medians")
    int repeats = 3;
    @Option(names = "--master", description = "Spark master URL (default local[*])")
    String master;

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
        VaeConfig c = VaeConfig.defaults().withEpochs(epochs);
        SparkSession spark = SparkSessions.getOrCreate("sparkvi bench vae", master);
        System.out.printf(Locale.ROOT, "VAE 784-400-400-(200,200), batch %d, float64, BLAS %s, %d images of %s, %d cores (%s)%n",
                c.batchSize(), VaeNetwork.blasName(), n, dir, spark.sparkContext().defaultParallelism(),
                spark.sparkContext().master());
        double flops = stepGemmFlops(c);
        double rate = gemmRate(c, 20);
        double ceiling = c.batchSize() / (flops / rate);
        System.out.printf(Locale.ROOT, "GEMM: %.3f GFLOP per step; dgemm on the step's shapes %.1f GFLOP/s (1 thread) -> "
                + "ceiling %.0f images/s per core, %.0f on %d cores%n", flops / 1e9, rate / 1e9, ceiling,
                ceiling * spark.sparkContext().defaultParallelism(), spark.sparkContext().defaultParallelism());
        System.out.printf(Locale.ROOT, "%-34s %12s %14s %14s%n", "training", "images/s", "vs PyTorch", "of ceiling");
        report("single process (no Spark)", Medians.of(run(c, train, test, 0, spark, repeats)), ceiling);
        for (int p : new int[] {1, 2}) {
            if (BarrierEpochEngine.available(spark, p)) {
                report("Spark barrier engine, " + p + " partition" + (p > 1 ? "s" : ""), Medians.of(runBarrier(c, train, test, p,
                        spark, repeats)), ceiling * Math.min(p, spark.sparkContext().defaultParallelism()));
            }
        }
        for (int p : new int[] {1, 2}) {
            report("Spark job per step, " + p + " partition" + (p > 1 ? "s" : ""), Medians.of(run(c, train, test, p, spark, repeats)),
                    ceiling * Math.min(p, spark.sparkContext().defaultParallelism()));
        }
        System.out.printf(Locale.ROOT, "%nper step, one Spark job per step (mean ms over the last run's steps)%n%-14s %9s %9s %10s %15s %7s%n",
                "partitions", "total", "compute", "broadcast", "sched+transfer", "merge");
        for (int p : new int[] {1, 2}) {
            SparkGradientSource.StepTiming t = LAST_TIMING[p];
            System.out.printf(Locale.ROOT, "%-14d %9.1f %9.1f %10.1f %15.1f %7.1f%n", p, 1e3 * t.total / t.steps,
                    1e3 * t.compute / t.steps, 1e3 * t.broadcast / t.steps, 1e3 * t.synchronisation() / t.steps,
                    1e3 * t.merge / t.steps);
        }
        return 0;
    }

    private static final SparkGradientSource.StepTiming[] LAST_TIMING = new SparkGradientSource.StepTiming[3];

    static void report(String what, double rate, double ceiling) {
        System.out.printf(Locale.ROOT, "%-34s %12.0f %13.2fx %13.0f%%%n", what, rate, rate / TORCH_IMAGES_PER_SECOND,
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
                    LAST_TIMING[partitions] = sg.timing();
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

    /** 2·B·in·out per product: forward for every layer, dW for every layer, dX for all but the first. */
    static double stepGemmFlops(VaeConfig c) {
        int[][] layers = shapes(c);
        double f = 0;
        for (int l = 0; l < layers.length; l++) {
            f += 2.0 * c.batchSize() * layers[l][0] * layers[l][1] * (l == 0 ? 2 : 3);
        }
        return f;
    }

    static int[][] shapes(VaeConfig c) {
        int in = c.input();
        int h = c.hidden();
        int z = c.latent();
        return new int[][] {{in, h}, {h, h}, {h, z}, {h, z}, {z, h}, {h, h}, {h, in}};
    }

    /** FLOP/s of the step's dgemm calls alone, on random matrices of its shapes, median of the repeats. */
    static double gemmRate(VaeConfig c, int repeats) {
        BLAS blas = BLAS.getInstance();
        int b = c.batchSize();
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] layers = shapes(c);
        double[][] w = new double[layers.length][];
        double[][] x = new double[layers.length][];
        double[][] y = new double[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            int in = layers[l][0];
            int out = layers[l][1];
            w[l] = rnd.doubles((long) in * out).toArray();
            x[l] = rnd.doubles((long) b * Math.max(in, out)).toArray();
            y[l] = new double[b * Math.max(in, out)];
        }
        double[] times = new double[repeats];
        for (int r = 0; r < repeats + 5; r++) {
            long t0 = System.nanoTime();
            for (int l = 0; l < layers.length; l++) {
                int in = layers[l][0];
                int out = layers[l][1];
                blas.dgemm("T", "N", out, b, in, 1.0, w[l], in, x[l], in, 0.0, y[l], out);
                blas.dgemm("N", "T", in, out, b, 1.0, x[l], in, y[l], out, 1.0, w[l], in);
                if (l > 0) {
                    blas.dgemm("N", "N", in, b, out, 1.0, w[l], in, y[l], out, 0.0, x[l], in);
                }
            }
            if (r >= 5) {
                times[r - 5] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return stepGemmFlops(c) / Medians.of(times);
    }

}
