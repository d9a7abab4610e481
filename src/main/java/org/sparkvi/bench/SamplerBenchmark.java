package org.sparkvi.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.sampling.Draws;
import org.sparkvi.sampling.Law;
import org.sparkvi.sampling.SampleJob;

/**
 * {@code jobs/bench sample [--n 100000000] [--parquet-n 100000000] [--repeats 3]}: millions of draws per second,
 * in memory (each task fills chunks of 10^6 values, as torch fills chunks of 10^7) and written to Parquet, on all
 * cores, beside PyTorch's figures measured on this machine (../shared/anchors.md: torch 1.13, 2 threads, float32,
 * 10^8 draws in chunks of 10^7). Medians of the repeats.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Sampler speed in memory and to Parquet, against torch.distributions")
public final class SamplerBenchmark implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--n", description = "draws in memory")
    long n = 100_000_000L;
    @Option(names = "--parquet-n", description = "draws written to Parquet")
    long parquetN = 100_000_000L;
    @Option(names = "--repeats", description = "runs; medians")
    int repeats = 3;
    @Option(names = "--master", description = "Spark master URL (default local[*])")
    String master;
    @Option(names = "--parquet-dir", description = "where the Parquet draws go")
    String parquetDir = "out/bench-samples";

    /** torch.distributions on this machine, M draws/s (../shared/anchors.md). */
    static final double TORCH_EXPONENTIAL = 84.8;
    static final double TORCH_EXPONENTIAL_REPARAM = 63.5;
    static final double TORCH_CATEGORICAL = 65.7;
    static final double TORCH_GUMBEL_MAX = 12.9;
    static final double TORCH_GUMBEL_SOFTMAX = 6.7;
    static final int CHUNK = 1_000_000;

    enum Kind {
        EXPONENTIAL_DIRECT("Exponential(1), direct (JDK ziggurat)", TORCH_EXPONENTIAL),
        EXPONENTIAL_REPARAM("-log(1-U)/rate (reparameterised)", TORCH_EXPONENTIAL_REPARAM),
        CATEGORICAL_DIRECT("Categorical [.1,.2,.5,.2], alias table", TORCH_CATEGORICAL),
        GUMBEL_MAX("Gumbel-max, argmax(log pi + G)", TORCH_GUMBEL_MAX),
        GUMBEL_SOFTMAX("Gumbel-softmax, tau = 0.1", TORCH_GUMBEL_SOFTMAX),
        NORMAL_DIRECT("Normal(0,1), direct (JDK ziggurat)", Double.NaN),
        NORMAL_REPARAM("mu + sigma * Phi^-1(U) (reparameterised)", Double.NaN);

        final String label;
        final double torch;

        Kind(String label, double torch) {
            this.label = label;
            this.torch = torch;
        }
    }

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.getOrCreate("sparkvi bench sample", master);
        int p = spark.sparkContext().defaultParallelism();
        System.out.printf(Locale.ROOT, "samplers: %d draws in memory, %d to Parquet, %d partitions (%s), medians of %d%n",
                n, parquetN, p, spark.sparkContext().master(), repeats);
        System.out.printf(Locale.ROOT, "%-44s %12s %12s %10s%n", "sampler (in memory)", "M draws/s", "torch M/s", "ratio");
        for (Kind k : Kind.values()) {
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                rates[r] = inMemory(spark, k, n, p) / 1e6;
            }
            double m = Medians.of(rates);
            System.out.printf(Locale.ROOT, "%-44s %12.1f %12s %10s%n", k.label, m,
                    Double.isNaN(k.torch) ? "-" : String.format(Locale.ROOT, "%.1f", k.torch),
                    Double.isNaN(k.torch) ? "-" : String.format(Locale.ROOT, "%.2fx", m / k.torch));
        }
        System.out.printf(Locale.ROOT, "%-44s %12s %12s%n", "to Parquet (index, direct, reparameterized)", "M rows/s",
                "M draws/s");
        for (Law law : List.of(new Law.Exponential(1), new Law.Categorical(new double[] {.1, .2, .5, .2}, 0.1))) {
            double[] rates = new double[repeats];
            long rows = parquetN;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                String dir = parquetDir + "/" + law.name();
                long seed = r;
                SparkSessions.describe(spark, "bench: " + rows + " " + law.name() + " rows to Parquet",
                        () -> SampleJob.dataset(spark, law, rows, p, seed).write().mode(SaveMode.Overwrite).parquet(dir));
                rates[r] = rows / ((System.nanoTime() - t0) / 1e9) / 1e6;
            }
            double m = Medians.of(rates);
            System.out.printf(Locale.ROOT, "%-44s %12.2f %12.2f%n", law.name() + (law instanceof Law.Categorical
                    ? " (+ relaxed vector)" : ""), m, 2 * m);
        }
        return 0;
    }

    /** Draws per second: each partition fills chunks of 10^6 values; the checksum keeps the work from being dropped. */
    static double inMemory(SparkSession spark, Kind k, long n, int partitions) {
        List<long[]> ranges = new ArrayList<>();
        for (int q = 0; q < partitions; q++) {
            ranges.add(new long[] {n * q / partitions, n * (q + 1) / partitions});
        }
        JavaRDD<long[]> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ranges, partitions);
        long t0 = System.nanoTime();
        double checksum = SparkSessions.describe(spark, "bench: " + n + " draws, " + k.label,
                () -> rdd.map(r -> fill(k, r[0], r[1])).reduce(Double::sum));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (Double.isNaN(checksum)) {
            throw new IllegalStateException("NaN checksum");
        }
        return n / seconds;
    }

    static double fill(Kind k, long from, long to) {
        Law law = switch (k) {
            case EXPONENTIAL_DIRECT, EXPONENTIAL_REPARAM -> new Law.Exponential(1);
            case NORMAL_DIRECT, NORMAL_REPARAM -> new Law.Normal(0, 1);
            default -> new Law.Categorical(new double[] {.1, .2, .5, .2}, 0.1);
        };
        Draws d = new Draws(law, 7);
        double[] chunk = new double[CHUNK];
        double[] relaxed = new double[4];
        double sum = 0;
        for (long start = from; start < to; start += CHUNK) {
            int len = (int) Math.min(CHUNK, to - start);
            for (int i = 0; i < len; i++) {
                long idx = start + i;
                chunk[i] = switch (k) {
                    case EXPONENTIAL_DIRECT, NORMAL_DIRECT -> d.directContinuous(idx);
                    case EXPONENTIAL_REPARAM, NORMAL_REPARAM -> d.reparameterizedContinuous(idx);
                    case CATEGORICAL_DIRECT -> d.directCategory(idx);
                    case GUMBEL_MAX -> d.gumbelCategory(idx, 0.1, null);
                    case GUMBEL_SOFTMAX -> {
                        d.gumbelCategory(idx, 0.1, relaxed);
                        yield relaxed[0];
                    }
                };
            }
            sum += chunk[len - 1] + chunk[0];
        }
        return sum;
    }

}
