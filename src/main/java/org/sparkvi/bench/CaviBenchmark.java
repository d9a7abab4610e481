package org.sparkvi.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkvi.cavi.CaviAlgorithm;
import org.sparkvi.cavi.CaviListener;
import org.sparkvi.cavi.CaviOptions;
import org.sparkvi.cavi.DataMoments;
import org.sparkvi.cavi.EventBlock;
import org.sparkvi.cavi.HyperparameterSpec;
import org.sparkvi.cavi.Hyperparameters;
import org.sparkvi.cavi.CaviData;
import org.sparkvi.cavi.CaviEstimator;
import org.sparkvi.cavi.SyntheticCatalogue;
import org.sparkvi.cavi.VariationalParameters;
import org.sparkvi.spark.SparkSessions;

/**
 * {@code jobs/bench cavi [--sizes 100000,1000000,10000000] [--k 8] [--iterations 10] [--gmm-iterations 3]}:
 * seconds per CAVI iteration (one pass: responsibilities, statistics, ELBO; plus the driver's update) against
 * Spark MLlib's GaussianMixture on the same cached data in the same run, K = 8, D = 2, overlapping clusters.
 * A GaussianMixture iteration is timed as (fit with 1 + m iterations − fit with 1) / m, so its
 * initialisation is left out. Medians over the timed iterations / repeats.
 */
@Command(name = "cavi", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Seconds per CAVI iteration against MLlib GaussianMixture on the same cached data (K sweep, D = 2 or 3)")
public final class CaviBenchmark implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--sizes", split = ",", description = "events")
    List<Long> sizesList = List.of(100_000L, 1_000_000L, 10_000_000L);
    @Option(names = "--k", split = ",", description = "clusters (a list: the K sweep)")
    List<Integer> ks = List.of(8);
    @Option(names = "--dim", description = "dimension D of the locations (2 or 3)")
    int dim = 2;
    @Option(names = "--gmm-max-k", description = "run GaussianMixture beside CAVI only up to this K (its cost grows as K D^2)")
    int gmmMaxK = 8;
    @Option(names = "--iterations", description = "CAVI iterations timed")
    int iterations = 10;
    @Option(names = "--gmm-iterations", description = "GaussianMixture iterations timed")
    int gmmIterations = 3;
    @Option(names = "--repeats", description = "runs; medians")
    int repeats = 3;
    @Option(names = "--master", description = "Spark master URL (default local[*])")
    String master;

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.getOrCreate("sparkvi bench cavi", master);
        int cores = spark.sparkContext().defaultParallelism();
        if (dim < 2 || dim > 3) {
            throw new IllegalArgumentException("--dim must be 2 or 3, got " + dim);
        }
        System.out.printf(Locale.ROOT, "CAVI vs MLlib GaussianMixture, D=%d, %d cores (%s), Java %s%n", dim, cores,
                spark.sparkContext().master(), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%5s %12s %14s %14s %14s %10s %16s %14s %10s%n", "K", "events", "cavi s/iter",
                "gmm s/iter", "ratio gmm/cavi", "ns/event", "updates/s (N*K)", "gmm updates/s", "seeding s");
        // untimed, per K: a fresh JVM runs the E-step's SIMD loops interpreted (boxing every vector) until C2 has
        // compiled them, so whichever K came first measured ~3x slower than the same K later in the run; a warm-up of
        // 200,000 events for the first K only still left the first 10^6 row at 41 ms an iteration against 28.5 ms when
        // the same row was run again (K = 8, D = 3, 2026-12-06)
        long warmUp = Math.min(1_000_000, java.util.Collections.min(sizesList));
        for (int k : ks) {
            run(spark, warmUp, k, dim, 12, 0, 1, cores, null);
            for (long n : sizesList) {
                run(spark, n, k, dim, iterations, k <= gmmMaxK ? gmmIterations : 0, repeats, cores, System.out);
            }
        }
        return 0;
    }

    /** Times one size and K; prints its row to {@code out}, or nothing when out is null (the warm-up). */
    static void run(SparkSession spark, long n, int k, int d, int iterations, int gmmIterations, int repeats,
                    int partitions, java.io.PrintStream out) {
        double[] centers = new double[d * k];
        double[] rates = new double[k];
        double[] pi = new double[k];
        for (int c = 0; c < k; c++) {
            // on a circle of radius 3 (neighbours overlap at tau = 1); in 3-D, alternately above and below it
            centers[d * c] = 3 * Math.cos(2 * Math.PI * c / k);
            centers[d * c + 1] = 3 * Math.sin(2 * Math.PI * c / k);
            if (d == 3) {
                centers[d * c + 2] = c % 2 == 0 ? 1 : -1;
            }
            rates[c] = 2 + 5 * c;
            pi[c] = 1.0 / k;
        }
        SyntheticCatalogue sc = new SyntheticCatalogue(centers, rates, pi, 1.0);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<long[]> ranges = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ranges.add(new long[] {n * p / partitions, n * (p + 1) / partitions});
        }
        JavaRDD<EventBlock> blocks = jsc.parallelize(ranges, partitions)
                .map(r -> sc.blocks(5, r[0], r[1], Integer.MAX_VALUE).get(0))
                .persist(StorageLevel.MEMORY_ONLY());
        SparkSessions.describe(spark, "bench: generate and cache " + n + " events", blocks::count);

        // CAVI: fixed iterations, each timed by the listener
        DataMoments m = blocks.treeAggregate(new DataMoments(d), (a, b) -> a.add(b), DataMoments::merge, 2);
        Hyperparameters h = HyperparameterSpec.defaults().resolve(m, k);
        CaviData data = CaviEstimator.data(spark, blocks, n, d); // what the cavi command passes over
        CaviOptions o = CaviOptions.defaults().withK(k).withMaxIter(iterations).withTol(0).withRestarts(1);
        List<Double> seconds = new ArrayList<>();
        CaviListener timer = new CaviListener() {
            @Override
            public void iteration(int restart, int it, int max, double elbo, double change, double s) {
                if (it > 1) {
                    seconds.add(s);
                }
            }
        };
        long seedStart = System.nanoTime();
        double[] seeds = data.seedCenters(o, 0);
        double seeding = (System.nanoTime() - seedStart) / 1e9;
        VariationalParameters q0 = VariationalParameters.initial(h, seeds, m.totalWeight(), m.meanStrength());
        CaviAlgorithm.fit(data, h, q0, o, 0, timer);
        double cavi = Medians.of(seconds);
        if (gmmIterations == 0) {
            blocks.unpersist();
            if (out != null) {
                out.printf(Locale.ROOT, "%5d %12d %14.4f %14s %14s %10.1f %16.3g %14s %10.2f%n", k, n, cavi, "-", "-",
                        cavi / n * 1e9, n * k / cavi, "-", seeding);
            }
            return;
        }

        // MLlib GaussianMixture on the same cached events, as a cached DataFrame of vectors
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType());
        JavaRDD<Row> rows = blocks.flatMap(b -> {
            List<Row> vectors = new ArrayList<>(b.size);
            for (int i = 0; i < b.size; i++) {
                vectors.add(RowFactory.create(Vectors.dense(b.location(i))));
            }
            return vectors.iterator();
        });
        Dataset<Row> df = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_ONLY());
        SparkSessions.describe(spark, "bench: cache the same events as vectors for GaussianMixture", df::count);
        List<Double> gmm = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            double base = timeGmm(df, k, 1, r);
            double more = timeGmm(df, k, 1 + gmmIterations, r);
            gmm.add(Math.max(0, more - base) / gmmIterations);
        }
        double g = Medians.of(gmm);
        df.unpersist();
        blocks.unpersist();
        out.printf(Locale.ROOT, "%5d %12d %14.4f %14.4f %14.1f %10.1f %16.3g %14.3g %10.2f%n", k, n, cavi, g, g / cavi,
                cavi / n * 1e9, n * k / cavi, n * k / g, seeding);
    }

    static double timeGmm(Dataset<Row> df, int k, int maxIter, long seed) {
        long t0 = System.nanoTime();
        new GaussianMixture().setK(k).setMaxIter(maxIter).setTol(0).setSeed(seed).fit(df);
        return (System.nanoTime() - t0) / 1e9;
    }

}
