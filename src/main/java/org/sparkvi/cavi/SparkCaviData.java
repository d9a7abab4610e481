package org.sparkvi.cavi;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.OrderedTreeAggregate;
import org.sparkvi.spark.SparkSessions;

/**
 * The events as cached Spark blocks. A pass broadcasts the E-step kernel (K·D means and 2K constants),
 * each partition adds its events into one {@link SufficientStatistics}, and a tree aggregation with a fixed merge
 * order ({@link OrderedTreeAggregate}) merges them, so a pass is bit-identical after task retries; the broadcast
 * is destroyed when the pass is done.
 */
public final class SparkCaviData implements CaviData {
    private final SparkSession spark;
    private final JavaRDD<EventBlock> blocks;
    private final int d;
    /** Partitions merged per tree node: the driver receives at most this many partial statistics. */
    static final int FAN_IN = 64;

    public SparkCaviData(SparkSession spark, JavaRDD<EventBlock> blocks, int d) {
        this.spark = spark;
        this.blocks = blocks;
        this.d = d;
    }

    @Override
    public SufficientStatistics pass(Hyperparameters h, VariationalParameters q, String description) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ResponsibilityKernel> kernel = jsc.broadcast(new ResponsibilityKernel(h, q));
        try {
            int k = h.k();
            int dim = d; // not the field: the closure must not capture this
            return SparkSessions.describe(spark, description, () -> OrderedTreeAggregate.aggregate(blocks,
                    () -> new SufficientStatistics(k, dim), (s, b) -> {
                        FaultInjection.maybeFail("CAVI pass");
                        return s.add(b, kernel.value());
                    }, SufficientStatistics::merge, FAN_IN));
        } finally {
            kernel.destroy();
        }
    }

    @Override
    public double[] seedCenters(CaviOptions o, int restart) {
        if (o.init() == CaviOptions.Init.KMEANS_PARALLEL) {
            return MllibKMeansSeeds.centers(spark, blocks, o, restart);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        double[] centers = new double[o.k() * d];
        for (int step = 0; step < o.k(); step++) {
            Broadcast<double[]> chosen = jsc.broadcast(centers.clone());
            int s = step;
            try {
                KMeansPlusPlus.Candidate best = SparkSessions.describe(spark,
                        "k-means++ seeding, restart " + (restart + 1) + ": centre " + (step + 1) + " of " + o.k(),
                        () -> blocks.map(b -> {
                            FaultInjection.maybeFail("k-means++ seeding");
                            return KMeansPlusPlus.best(b, chosen.value(), s, o.seed(), restart, o.k());
                        })
                                .filter(c -> c != null).reduce(KMeansPlusPlus.Candidate::better));
                System.arraycopy(best.x(), 0, centers, step * d, d);
            } finally {
                chosen.destroy();
            }
        }
        return centers;
    }
}
