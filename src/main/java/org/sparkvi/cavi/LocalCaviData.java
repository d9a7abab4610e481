package org.sparkvi.cavi;

import java.util.ArrayList;
import java.util.List;
import org.sparkvi.spark.OrderedTreeAggregate;

/**
 * Events held in memory: the single-process reference the Spark implementation must equal, and the fit of a small
 * catalogue collected to the driver. Blocks are grouped as Spark's partitions hold them; a pass adds each group's
 * blocks into fresh statistics in order and merges the groups in the same order and tree as {@link SparkCaviData}'s
 * ordered aggregate ({@link OrderedTreeAggregate#inMemory}), so both give the same bits for the same partitions.
 */
public final class LocalCaviData implements CaviData {
    private final List<List<EventBlock>> partitions;
    private final int d;

    /** One block per partition. */
    public LocalCaviData(List<EventBlock> blocks) {
        this(blocks.stream().map(List::of).toList(), blocks.get(0).dim);
    }

    private LocalCaviData(List<List<EventBlock>> partitions, int d) {
        List<List<EventBlock>> copy = new ArrayList<>();
        for (List<EventBlock> p : partitions) {
            copy.add(List.copyOf(p));
        }
        this.partitions = List.copyOf(copy);
        this.d = d;
    }

    /** The blocks as Spark's partitions held them (an RDD's {@code glom().collect()}). */
    public static LocalCaviData ofPartitions(List<List<EventBlock>> partitions) {
        EventBlock first = partitions.stream().flatMap(List::stream).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no event blocks"));
        return new LocalCaviData(partitions, first.dim);
    }

    @Override
    public SufficientStatistics pass(Hyperparameters h, VariationalParameters q, String description) {
        ResponsibilityKernel kernel = new ResponsibilityKernel(h, q);
        int k = h.k();
        int dim = d;
        return OrderedTreeAggregate.inMemory(partitions, () -> new SufficientStatistics(k, dim), (s, b) -> s.add(b, kernel),
                SufficientStatistics::merge, SparkCaviData.FAN_IN);
    }

    /** The catalogue's moments, as {@link CaviEstimator} sums them on the executors (the same bits). */
    public DataMoments moments() {
        int dim = d;
        return OrderedTreeAggregate.inMemory(partitions, () -> new DataMoments(dim), DataMoments::add, DataMoments::merge,
                SparkCaviData.FAN_IN);
    }

    /** The final E-step's per-cluster report, as {@link CaviEstimator#clusterEvents} sums it on the executors. */
    public ClusterEvents clusterEvents(CaviModel model) {
        ResponsibilityKernel kernel = model.kernel();
        int k = model.k();
        return OrderedTreeAggregate.inMemory(partitions, () -> new ClusterEvents(k), (e, b) -> e.add(b, kernel),
                ClusterEvents::merge, SparkCaviData.FAN_IN);
    }

    @Override
    public double[] seedCenters(CaviOptions o, int restart) {
        double[] centers = new double[o.k() * d];
        List<EventBlock> blocks = blocks();
        double[][] minDist = new double[blocks.size()][];
        for (int step = 0; step < o.k(); step++) {
            KMeansPlusPlus.Candidate best = null;
            for (int i = 0; i < blocks.size(); i++) {
                EventBlock b = blocks.get(i);
                if (step > 0) {
                    minDist[i] = step == 1 ? KMeansPlusPlus.noCentreYet(b) : minDist[i];
                    KMeansPlusPlus.nearer(b, minDist[i], centers, step - 1);
                }
                best = KMeansPlusPlus.Candidate.better(best, KMeansPlusPlus.best(b, minDist[i], step, o.seed(), restart, o.k()));
            }
            System.arraycopy(best.x(), 0, centers, step * d, d);
        }
        return centers;
    }

    public List<EventBlock> blocks() {
        return partitions.stream().flatMap(List::stream).toList();
    }
}
