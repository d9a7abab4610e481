package org.sparkvi.cavi;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.Broadcasts;
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
    public DataMoments moments() {
        int dim = d; // not the field: the closure must not capture this
        return SparkSessions.describe(spark, "Moments of the catalogue (data-scaled hyperparameters)",
                () -> OrderedTreeAggregate.aggregate(blocks, () -> new DataMoments(dim), DataMoments::add,
                        DataMoments::merge, FAN_IN));
    }

    @Override
    public ClusterEvents clusterEvents(CaviModel model, MapSample.Rule sampling) {
        Broadcast<ResponsibilityKernel> kernel = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(model.kernel());
        try {
            int k = model.k();
            return SparkSessions.describe(spark, "Final E-step: per-cluster counts, times and largest events; the map's sample",
                    () -> OrderedTreeAggregate.aggregate(blocks, () -> new ClusterEvents(k, sampling),
                            (e, b) -> e.add(b, kernel.value()), ClusterEvents::merge, FAN_IN));
        } finally {
            Broadcasts.destroyNow(kernel);
        }
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
        // each block's D² to the nearest centre so far, one cached array per block beside the blocks (8 bytes an
        // event), lowered by each new centre: a copy, the previous step's arrays stay as cached for a retried task
        JavaRDD<double[]> minDist = null;
        try {
            for (int step = 0; step < o.k(); step++) {
                int s = step;
                JavaRDD<Seeding> seeding;
                JavaRDD<double[]> superseded = null; // kept cached until this step's job has built the new arrays
                if (step == 0) {
                    seeding = blocks.map(b -> new Seeding(b, null));
                } else {
                    double[] newest = java.util.Arrays.copyOfRange(centers, (step - 1) * d, step * d);
                    superseded = minDist;
                    minDist = (superseded == null ? blocks.map(b -> nearer(b, KMeansPlusPlus.noCentreYet(b), newest))
                            : blocks.zipPartitions(superseded, (bs, ds) -> {
                                List<double[]> out = new ArrayList<>();
                                while (bs.hasNext()) {
                                    out.add(nearer(bs.next(), ds.next().clone(), newest));
                                }
                                return out.iterator();
                            })).persist(StorageLevel.MEMORY_AND_DISK());
                    seeding = blocks.zipPartitions(minDist, (bs, ds) -> {
                        List<Seeding> out = new ArrayList<>();
                        while (bs.hasNext()) {
                            out.add(new Seeding(bs.next(), ds.next()));
                        }
                        return out.iterator();
                    });
                }
                JavaRDD<Seeding> pairs = seeding;
                KMeansPlusPlus.Candidate best = SparkSessions.describe(spark,
                        "k-means++ seeding, restart " + (restart + 1) + ": centre " + (step + 1) + " of " + o.k(),
                        () -> OrderedTreeAggregate.aggregate(pairs, () -> null, (KMeansPlusPlus.Candidate c, Seeding p) -> {
                            FaultInjection.maybeFail("k-means++ seeding");
                            return KMeansPlusPlus.Candidate.better(c, KMeansPlusPlus.best(p.block(), p.minDist(), s, o.seed(),
                                    restart, o.k()));
                        }, KMeansPlusPlus.Candidate::better, FAN_IN));
                System.arraycopy(best.x(), 0, centers, step * d, d);
                if (superseded != null) {
                    superseded.unpersist(false);
                }
            }
        } finally {
            if (minDist != null) {
                minDist.unpersist(false);
            }
        }
        return centers;
    }

    private static double[] nearer(EventBlock b, double[] minDist, double[] centre) {
        KMeansPlusPlus.nearer(b, minDist, centre, 0);
        return minDist;
    }

    /** A block and its events' D² to the nearest centre so far (null before the first), for one seeding step. */
    private record Seeding(EventBlock block, double[] minDist) {
    }
}
