package org.sparkvi.cavi;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.OrderedTreeAggregate;
import org.sparkvi.spark.SparkSessions;

/**
 * The events as cached Spark blocks. A pass sends the E-step kernel (K·D means and 2K constants) inside its task
 * closure, each partition adds its events into one {@link SufficientStatistics}, and the partial statistics are
 * merged in a fixed order ({@link OrderedTreeAggregate}), so a pass is bit-identical after task retries.
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
        // K·D + 2K doubles: they travel inside the task's closure, which Spark itself broadcasts once per stage; a
        // broadcast of their own cost the driver a block-manager put and a blocking remove per iteration
        ResponsibilityKernel kernel = new ResponsibilityKernel(h, q);
        int k = h.k();
        int dim = d; // not the field: the closure must not capture this
        return SparkSessions.describe(spark, description, () -> OrderedTreeAggregate.aggregate(blocks,
                () -> new SufficientStatistics(k, dim), (s, b) -> {
                    FaultInjection.maybeFail("CAVI pass");
                    return s.add(b, kernel);
                }, SufficientStatistics::merge, FAN_IN));
    }

    @Override
    public double[] seedCenters(CaviOptions o, int restart) {
        if (o.init() == CaviOptions.Init.KMEANS_PARALLEL) {
            return MllibKMeansSeeds.centers(spark, blocks, o, restart);
        }
        double[] centers = new double[o.k() * d];
        for (int step = 0; step < o.k(); step++) {
            double[] chosen = centers.clone(); // (step · D values: inside the task's closure, like the kernel)
            int s = step;
            KMeansPlusPlus.Candidate best = SparkSessions.describe(spark,
                    "k-means++ seeding, restart " + (restart + 1) + ": centre " + (step + 1) + " of " + o.k(),
                    () -> OrderedTreeAggregate.aggregate(blocks, () -> null, (KMeansPlusPlus.Candidate c, EventBlock b) -> {
                        FaultInjection.maybeFail("k-means++ seeding");
                        return KMeansPlusPlus.Candidate.better(c, KMeansPlusPlus.best(b, chosen, s, o.seed(), restart, o.k()));
                    }, KMeansPlusPlus.Candidate::better, FAN_IN));
            System.arraycopy(best.x(), 0, centers, step * d, d);
        }
        return centers;
    }
}
