package org.sparkvi.cavi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.sparkvi.spark.OrderedTreeAggregate;

/**
 * Events held in memory: the single-process reference the Spark implementation must equal, the fit of a small
 * catalogue collected to the driver, and in local mode the fit over the cached blocks themselves. Blocks are
 * grouped as Spark's partitions hold them; a pass adds each group's blocks into fresh statistics in order (the
 * groups at once, on as many threads as Spark's local mode has cores, or one after another) and merges the groups
 * in the same order and tree as {@link SparkCaviData}'s ordered aggregate ({@link OrderedTreeAggregate#inMemory}),
 * so both give the same bits for the same partitions.
 */
public final class LocalCaviData implements CaviData {
    /** Fork-join pools by parallelism, shared by the fits of a JVM (their idle threads end by themselves). */
    private static final java.util.Map<Integer, ForkJoinPool> POOLS = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<List<EventBlock>> partitions;
    private final int d;
    /** Where the partitions are folded at once, or null: one after another on the caller's thread. */
    private final ForkJoinPool threads;

    /** One block per partition. */
    public LocalCaviData(List<EventBlock> blocks) {
        this(blocks.stream().map(List::of).toList(), blocks.get(0).dim, 1);
    }

    private LocalCaviData(List<List<EventBlock>> partitions, int d, int parallelism) {
        List<List<EventBlock>> copy = new ArrayList<>();
        for (List<EventBlock> p : partitions) {
            copy.add(List.copyOf(p));
        }
        this.partitions = List.copyOf(copy);
        this.d = d;
        this.threads = parallelism > 1 && partitions.size() > 1 ? POOLS.computeIfAbsent(parallelism, ForkJoinPool::new) : null;
    }

    /** The blocks as Spark's partitions held them (an RDD's {@code glom().collect()}), passed over on one thread. */
    public static LocalCaviData ofPartitions(List<List<EventBlock>> partitions) {
        return ofPartitions(partitions, 1);
    }

    /** As {@link #ofPartitions(List)}, each pass folding up to {@code parallelism} partitions at once. */
    public static LocalCaviData ofPartitions(List<List<EventBlock>> partitions, int parallelism) {
        EventBlock first = partitions.stream().flatMap(List::stream).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no event blocks"));
        return new LocalCaviData(partitions, first.dim, parallelism);
    }

    @Override
    public SufficientStatistics pass(Hyperparameters h, VariationalParameters q, String description) {
        ResponsibilityKernel kernel = new ResponsibilityKernel(h, q);
        int k = h.k();
        int dim = d;
        return OrderedTreeAggregate.inMemory(partitions, () -> new SufficientStatistics(k, dim), (s, b) -> s.add(b, kernel),
                SufficientStatistics::merge, SparkCaviData.FAN_IN, threads);
    }

    /** The catalogue's moments, as {@link SparkCaviData} sums them on the executors (the same bits). */
    @Override
    public DataMoments moments() {
        int dim = d;
        return OrderedTreeAggregate.inMemory(partitions, () -> new DataMoments(dim), DataMoments::add, DataMoments::merge,
                SparkCaviData.FAN_IN, threads);
    }

    /** The final E-step's per-cluster report, as {@link SparkCaviData} sums it on the executors. */
    @Override
    public ClusterEvents clusterEvents(CaviModel model, MapSample.Rule sampling) {
        ResponsibilityKernel kernel = model.kernel();
        int k = model.k();
        return OrderedTreeAggregate.inMemory(partitions, () -> new ClusterEvents(k, sampling), (e, b) -> e.add(b, kernel),
                ClusterEvents::merge, SparkCaviData.FAN_IN, threads);
    }

    /**
     * k-means++ as {@link SparkCaviData} seeds: each block's D² to the nearest centre so far, lowered by the newest
     * centre, and the best candidate of all blocks (a strict order: the same winner whatever the order of the
     * blocks); the partitions' blocks are visited at once when there are threads.
     */
    @Override
    public double[] seedCenters(CaviOptions o, int restart) {
        double[] centers = new double[o.k() * d];
        List<double[][]> minDist = new ArrayList<>();
        for (List<EventBlock> p : partitions) {
            minDist.add(new double[p.size()][]);
        }
        // a one-element "partition" per partition, so that the partitions' steps run at once when there are threads
        List<List<Integer>> each = java.util.stream.IntStream.range(0, partitions.size()).mapToObj(List::of).toList();
        for (int step = 0; step < o.k(); step++) {
            int s = step;
            KMeansPlusPlus.Candidate best = OrderedTreeAggregate.inMemory(each, () -> null,
                    (KMeansPlusPlus.Candidate c, Integer p) -> KMeansPlusPlus.Candidate.better(c,
                            seedStep(partitions.get(p), minDist.get(p), centers, s, o, restart)),
                    KMeansPlusPlus.Candidate::better, SparkCaviData.FAN_IN, threads);
            System.arraycopy(best.x(), 0, centers, step * d, d);
        }
        return centers;
    }

    /**
     * One partition's part of a k-means++ step, as {@link SparkCaviData} takes it: its blocks' D² to the nearest
     * centre so far lowered by the newest one, and their best candidate (a strict order: the same winner in any
     * order of the blocks).
     */
    private KMeansPlusPlus.Candidate seedStep(List<EventBlock> blocks, double[][] minDist, double[] centers, int step,
                                              CaviOptions o, int restart) {
        KMeansPlusPlus.Candidate best = null;
        for (int i = 0; i < blocks.size(); i++) {
            EventBlock b = blocks.get(i);
            if (step > 0) {
                minDist[i] = step == 1 ? KMeansPlusPlus.noCentreYet(b) : minDist[i];
                KMeansPlusPlus.nearer(b, minDist[i], centers, step - 1);
            }
            best = KMeansPlusPlus.Candidate.better(best, KMeansPlusPlus.best(b, minDist[i], step, o.seed(), restart, o.k()));
        }
        return best;
    }

    public List<EventBlock> blocks() {
        return partitions.stream().flatMap(List::stream).toList();
    }
}
