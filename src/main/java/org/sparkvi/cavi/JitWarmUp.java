package org.sparkvi.cavi;

import java.util.List;

/**
 * Compiles the fit's hot loops while Spark starts. A fresh JVM runs the E-step's SIMD loops interpreted until C2
 * has compiled them, and the Vector API allocates a box per operation until then: a cold run's first iteration took
 * 0.9 s where the next took 0.05. Spark's start keeps about one of two cores busy for 2–3 s, so a daemon thread fits
 * a small synthetic catalogue of the job's dimension and K in the meantime (the same classes the executors of local
 * mode run: blocks, E-step, sufficient statistics, global update, ELBO, k-means++). It shares nothing with the job
 * (its own data and objects; these classes keep no state between calls), so the job's results do not depend on it.
 */
public final class JitWarmUp {
    /** Events of the warm-up catalogue and its blocks' size: ~0.1 s of work once compiled. */
    static final int EVENTS = 40_000;
    static final int BLOCK = 10_000;

    private JitWarmUp() {
    }

    /** Starts the warm-up for dimension {@code dim} and {@code k} clusters on a daemon thread; returns it. */
    public static Thread start(int dim, int k) {
        Thread t = new Thread(() -> run(dim, k), "sparkvi-jit-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Fits a synthetic catalogue drawn from the model with K well separated centres; the result is dropped. */
    static CaviFit run(int dim, int k) {
        double[] centers = new double[k * dim];
        double[] rates = new double[k];
        double[] pi = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < dim; j++) {
                centers[c * dim + j] = 10.0 * ((c >> j) & 1) + c;
            }
            rates[c] = 5 + c;
            pi[c] = 1.0 / k;
        }
        List<EventBlock> blocks = new SyntheticCatalogue(centers, rates, pi, 1.0).blocks(1, 0, EVENTS, BLOCK);
        DataMoments m = new DataMoments(dim);
        blocks.forEach(m::add);
        Hyperparameters h = HyperparameterSpec.defaults().resolve(m, k);
        CaviOptions o = CaviOptions.defaults().withK(k).withMaxIter(12).withTol(0).withRestarts(1).withSeed(1);
        return CaviAlgorithm.best(CaviAlgorithm.fitAll(new LocalCaviData(blocks), h, o, m.totalWeight(),
                m.meanStrength(), CaviListener.NONE));
    }
}
