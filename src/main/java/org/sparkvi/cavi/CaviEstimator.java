package org.sparkvi.cavi;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.InProcessPartitions;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.UserInputException;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

/**
 * Fits the model to cached event blocks on Spark: data-scaled hyperparameter defaults from one pass of moments,
 * then every restart of {@link CaviAlgorithm}; the best final ELBO wins. With a warm-start model, its q is the
 * starting point (one run, no seeding).
 */
public final class CaviEstimator {
    private final CaviOptions options;
    private final HyperparameterSpec spec;
    private final CaviListener listener;

    public CaviEstimator(CaviOptions options, HyperparameterSpec spec, CaviListener listener) {
        this.options = options;
        this.spec = spec;
        this.listener = listener;
    }

    public CaviResult fit(SparkSession spark, JavaRDD<EventBlock> blocks, long used, CoordinateSystem coords,
                          StrengthSpec strength, String weightColumn, CaviModel warmStart) {
        int d = coords.dim();
        if (options.k() > used) {
            throw new UserInputException("k = " + options.k() + " is larger than the number of usable events (" + used + ")");
        }
        long t0 = System.nanoTime();
        CaviData data = data(spark, blocks, used, d);
        DataMoments moments = data.moments();
        if (!(moments.totalWeight() > 0)) {
            throw new UserInputException("the event weights sum to " + moments.totalWeight() + ": nothing to fit");
        }
        listener.phase("moments", (System.nanoTime() - t0) / 1e9);
        Hyperparameters h = spec.resolve(moments, options.k());
        List<CaviFit> fits;
        if (warmStart != null) {
            if (warmStart.k() != options.k() || warmStart.d() != d) {
                throw new UserInputException("the warm-start model has K = " + warmStart.k() + ", D = " + warmStart.d()
                        + " but this run has K = " + options.k() + ", D = " + d);
            }
            VariationalParameters q0 = warmStart.parameters();
            if (h.piPrior() == PiPrior.DIRICHLET && q0.dirichlet == null) {
                q0 = new VariationalParameters(q0.k, q0.d, q0.mean, q0.rhoStar, q0.shape, q0.rate,
                        VariationalParameters.initial(h, q0.mean, moments.totalWeight(), moments.meanStrength()).dirichlet);
            } else if (h.piPrior() == PiPrior.FIXED && q0.dirichlet != null) {
                q0 = new VariationalParameters(q0.k, q0.d, q0.mean, q0.rhoStar, q0.shape, q0.rate, null);
            }
            CaviFit fit = CaviAlgorithm.fit(data, h, q0, options, 0, listener);
            listener.restartDone(0, 1, fit);
            fits = List.of(fit);
        } else {
            fits = CaviAlgorithm.fitAll(data, h, options, moments.totalWeight(), moments.meanStrength(), listener);
        }
        CaviFit best = CaviAlgorithm.best(fits);
        CaviModel model = CaviModel.of(h, best.parameters(), coords, strength, weightColumn)
                .permuted(byExpectedCount(best.finalStatistics()));
        long t1 = System.nanoTime();
        ClusterEvents events = data.clusterEvents(model, MapSample.Rule.of(used, MapSample.EVENTS, 1L, coords));
        listener.phase("final E-step", (System.nanoTime() - t1) / 1e9);
        return new CaviResult(model, best, fits, moments, events);
    }

    /**
     * The Spark setting that bounds the catalogues fitted on the driver: up to this many usable events (default
     * {@value #LOCAL_FIT_DEFAULT}; 0 = always on the executors) the blocks are collected once, and the moments, the
     * restarts and the final E-step run in the driver's memory. A pass over 65,536 events is a few ms on one core,
     * where a Spark job costs 30–40 ms here whatever its size; the bundled catalogue's ~55 passes took 1.9–3.0 s as
     * jobs. The passes sum the same partitions' blocks in the same order and tree ({@link LocalCaviData}), so the fit
     * is bit-identical either way.
     */
    public static final String LOCAL_FIT_SETTING = "spark.sparkvi.cavi.localFitMaxEvents";
    static final long LOCAL_FIT_DEFAULT = 1 << 16;

    /**
     * The Spark setting (true or false, default true) that lets a local-mode fit pass over the cached blocks on the
     * driver's own threads, as many as the local master has cores ({@link InProcessPartitions}: the blocks are not
     * copied): the same per-partition folds and merge tree as the Spark jobs, so the same bits, without a job's
     * 25–40 ms per pass. False keeps every pass a Spark job (tests of task retries need them).
     */
    public static final String IN_PROCESS_SETTING = "spark.sparkvi.cavi.inProcessPasses";

    /** The events as a fit passes over them: in this JVM's memory when possible, else as Spark jobs. */
    public static CaviData data(SparkSession spark, JavaRDD<EventBlock> blocks, long used, int d) {
        LocalCaviData local = local(spark, blocks, used);
        return local != null ? local : new SparkCaviData(spark, blocks, d);
    }

    /**
     * The blocks on the driver: in local mode the cached blocks themselves ({@link #IN_PROCESS_SETTING}), else
     * collected when the catalogue is small enough ({@link #LOCAL_FIT_SETTING}); null when neither.
     */
    private static LocalCaviData local(SparkSession spark, JavaRDD<EventBlock> blocks, long used) {
        String inProcess = spark.conf().get(IN_PROCESS_SETTING, "true").trim();
        if (!inProcess.equalsIgnoreCase("true") && !inProcess.equalsIgnoreCase("false")) {
            throw new UserInputException(IN_PROCESS_SETTING + " must be true or false, not '" + inProcess + "'");
        }
        if (spark.sparkContext().isLocal() && inProcess.equalsIgnoreCase("true")) {
            List<List<EventBlock>> cached = InProcessPartitions.of(spark, blocks, "Hand the " + used
                    + " cached events to the driver's threads: local mode, passes without Spark jobs");
            if (cached != null) {
                return LocalCaviData.ofPartitions(cached, spark.sparkContext().defaultParallelism());
            }
        }
        long limit;
        String setting = spark.conf().get(LOCAL_FIT_SETTING, String.valueOf(LOCAL_FIT_DEFAULT));
        try {
            limit = Long.parseLong(setting.trim());
        } catch (NumberFormatException e) {
            throw new UserInputException(LOCAL_FIT_SETTING + " must be a whole number of events, not '" + setting + "'");
        }
        if (used > limit) {
            return null;
        }
        return LocalCaviData.ofPartitions(SparkSessions.describe(spark, "Collect the " + used
                + " events to the driver: a catalogue this small is fitted there", () -> blocks.glom().collect()));
    }

    /** Labels ordered by N_k, largest first (ties by old label): cluster 0 is the biggest. */
    static int[] byExpectedCount(SufficientStatistics s) {
        Integer[] order = new Integer[s.k];
        for (int c = 0; c < s.k; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int cmp = Double.compare(s.nk[b], s.nk[a]);
            return cmp != 0 ? cmp : Integer.compare(a, b);
        });
        return java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** The final E-step's per-cluster report (expected counts, hard counts, time ranges, largest events). */
    public static ClusterEvents clusterEvents(SparkSession spark, JavaRDD<EventBlock> blocks, CaviModel model) {
        return new SparkCaviData(spark, blocks, model.d()).clusterEvents(model, null);
    }
}
