package org.sparkvi.cavi;

import java.io.Serializable;

/**
 * How a fit runs (the model's constants are in {@link Hyperparameters}); validated, defaults in one place.
 *
 * @param k           number of clusters K
 * @param maxIter     most global updates per restart
 * @param tol         stop when |ΔELBO| ≤ tol·|ELBO| between iterations
 * @param seed        seed of every random draw (initialisation)
 * @param restarts    initialisations tried; the best final ELBO wins
 * @param init        how centres are seeded
 */
public record CaviOptions(int k, int maxIter, double tol, long seed, int restarts, Init init) implements Serializable {
    public static final int DEFAULT_K = 8;
    public static final int DEFAULT_MAX_ITER = 500;
    public static final double DEFAULT_TOL = 1e-8;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_RESTARTS = 3;

    /** k-means++ by an exponential race (partition-invariant), or MLlib's KMeans with k-means|| initialisation. */
    public enum Init {
        KMEANS_PLUS_PLUS, KMEANS_PARALLEL;

        /** The name {@link #parseInit} reads, and summary.json's {@code init}. */
        public String label() {
            return this == KMEANS_PLUS_PLUS ? "kmeans++" : "kmeans-parallel";
        }
    }

    public CaviOptions {
        checkK(k);
        checkMaxIter(maxIter);
        checkTol(tol);
        checkRestarts(restarts);
        if (init == null) {
            throw new IllegalArgumentException("init must be kmeans++ or kmeans-parallel");
        }
    }

    // one check per option, shared by the command line and the Spark ML params (the same messages)
    public static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
    }

    public static void checkMaxIter(int maxIter) {
        if (maxIter < 1) {
            throw new IllegalArgumentException("max-iter must be at least 1, got " + maxIter);
        }
    }

    public static void checkTol(double tol) {
        if (!(tol >= 0) || !Double.isFinite(tol)) {
            throw new IllegalArgumentException("tol must be a finite number >= 0, got " + tol);
        }
    }

    public static void checkRestarts(int restarts) {
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be at least 1, got " + restarts);
        }
    }

    /** kmeans++ (or kmeans-plus-plus) and kmeans-parallel (or kmeans||). */
    public static Init parseInit(String s) {
        return switch (s == null ? "" : s.toLowerCase(java.util.Locale.ROOT)) {
            case "kmeans++", "kmeans-plus-plus" -> Init.KMEANS_PLUS_PLUS;
            case "kmeans-parallel", "kmeans||" -> Init.KMEANS_PARALLEL;
            default -> throw new IllegalArgumentException("init must be kmeans++ or kmeans-parallel, got '" + s + "'");
        };
    }

    public static CaviOptions defaults() {
        return new CaviOptions(DEFAULT_K, DEFAULT_MAX_ITER, DEFAULT_TOL, DEFAULT_SEED, DEFAULT_RESTARTS, Init.KMEANS_PLUS_PLUS);
    }

    public CaviOptions withK(int newK) {
        return new CaviOptions(newK, maxIter, tol, seed, restarts, init);
    }

    public CaviOptions withMaxIter(int n) {
        return new CaviOptions(k, n, tol, seed, restarts, init);
    }

    public CaviOptions withRestarts(int r) {
        return new CaviOptions(k, maxIter, tol, seed, r, init);
    }

    public CaviOptions withSeed(long s) {
        return new CaviOptions(k, maxIter, tol, s, restarts, init);
    }

    public CaviOptions withTol(double t) {
        return new CaviOptions(k, maxIter, t, seed, restarts, init);
    }
}
