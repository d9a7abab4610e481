package org.sparkvi.sampling;

import org.sparkvi.random.CounterRandom;

import java.io.Serializable;

/** Mean and variance of every estimator's every coordinate over Monte Carlo samples (per-partition aggregator). */
public final class EstimatorMoments implements Serializable {
    private static final long serialVersionUID = 1L;
    final Moments[][] m;

    public EstimatorMoments(int parameters) {
        m = new Moments[GradientEstimators.NAMES.length][parameters];
        for (Moments[] row : m) {
            for (int p = 0; p < parameters; p++) {
                row[p] = new Moments();
            }
        }
    }

    /** Samples [from, to) at φ = (μ, ω), ε_j of sample i from the counter-based normal (seed, 2j, i). */
    public EstimatorMoments addRange(ConjugateGaussianTarget t, double[] mu, double[] omega, long seed, long from, long to) {
        int d = t.dim();
        double[] eps = new double[d];
        double[] z = new double[d];
        double[] grad = new double[d];
        double[][] out = new double[GradientEstimators.NAMES.length][2 * d];
        for (long i = from; i < to; i++) {
            for (int j = 0; j < d; j++) {
                eps[j] = CounterRandom.normal(seed, 2L * j, i);
            }
            GradientEstimators.sample(t, mu, omega, eps, z, grad, out);
            for (int e = 0; e < out.length; e++) {
                for (int p = 0; p < 2 * d; p++) {
                    m[e][p].add(out[e][p]);
                }
            }
        }
        return this;
    }

    public EstimatorMoments merge(EstimatorMoments o) {
        for (int e = 0; e < m.length; e++) {
            for (int p = 0; p < m[e].length; p++) {
                m[e][p].merge(o.m[e][p]);
            }
        }
        return this;
    }

    public double mean(int estimator, int parameter) {
        return m[estimator][parameter].mean();
    }

    public double variance(int estimator, int parameter) {
        return m[estimator][parameter].variance();
    }

    public long count() {
        return m[0][0].count();
    }
}
