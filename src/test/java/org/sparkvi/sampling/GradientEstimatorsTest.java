package org.sparkvi.sampling;

import org.sparkvi.random.CounterRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The estimators against the exact gradient, and the exact gradient against finite differences of the exact ELBO. */
class GradientEstimatorsTest {
    static final ConjugateGaussianTarget TARGET = ConjugateGaussianTarget.sampled(3, 15, 2, 1, 5);

    @Test
    void exactGradientMatchesFiniteDifferencesOfTheClosedFormElbo() {
        double[][] phi = GradientStudy.point(TARGET, 2, 0.3);
        double[] g = TARGET.elboGradient(phi[0], phi[1]);
        for (int p = 0; p < 6; p++) {
            double h = 1e-5;
            double[][] plus = {phi[0].clone(), phi[1].clone()};
            double[][] minus = {phi[0].clone(), phi[1].clone()};
            plus[p / 3][p % 3] += h;
            minus[p / 3][p % 3] -= h;
            double fd = (TARGET.elbo(plus[0], plus[1]) - TARGET.elbo(minus[0], minus[1])) / (2 * h);
            assertEquals(fd, g[p], 1e-6 * (1 + Math.abs(fd)), "parameter " + p);
        }
    }

    @Test
    void closedFormElboEqualsAMonteCarloEstimate() {
        double[][] phi = GradientStudy.point(TARGET, 2, 0.6);
        Moments m = new Moments();
        double[] z = new double[3];
        for (int i = 0; i < 200_000; i++) {
            double logQ = 0;
            for (int j = 0; j < 3; j++) {
                double e = CounterRandom.normal(9, 2L * j, i);
                z[j] = phi[0][j] + Math.exp(phi[1][j]) * e;
                logQ += -0.5 * e * e - phi[1][j] - 0.5 * Math.log(2 * Math.PI);
            }
            m.add(TARGET.logJoint(z) - logQ);
        }
        assertEquals(TARGET.elbo(phi[0], phi[1]), m.mean(), 5.6 * Math.sqrt(m.variance() / m.count()));
    }

    @Test
    void estimatorMeansAgreeWithTheExactGradientAndTheScoreTermHasMeanZero() {
        for (double t : new double[] {0, 0.9, 1}) {
            double[][] phi = GradientStudy.point(TARGET, 2, t);
            EstimatorMoments m = new EstimatorMoments(6).addRange(TARGET, phi[0], phi[1], 21, 0, 200_000);
            double[] exact = TARGET.elboGradient(phi[0], phi[1]);
            for (int e = 0; e < 4; e++) {
                for (int p = 0; p < 6; p++) {
                    double expected = e == 3 ? 0 : exact[p];
                    double se = Math.sqrt(m.variance(e, p) / m.count());
                    // |z| < 5.6: a correct estimator fails one of these 72 checks with probability about 1.5e-6
                    assertEquals(expected, m.mean(e, p), Math.max(5.6 * se, 1e-9), GradientEstimators.NAMES[e] + " p" + p + " t" + t);
                }
            }
        }
    }

    @Test
    void atTheOptimumStickingTheLandingHasNoVarianceAndTheTotalDerivativeDoes() {
        double[][] phi = GradientStudy.point(TARGET, 2, 1);
        EstimatorMoments m = new EstimatorMoments(6).addRange(TARGET, phi[0], phi[1], 22, 0, 200_000);
        double precision = TARGET.posteriorPrecision();
        for (int p = 0; p < 6; p++) {
            assertTrue(m.variance(2, p) < 1e-20, "STL variance " + m.variance(2, p));
            // total derivative at the optimum: −ε/σ in μ (variance P), 1 − ε² in ω (variance 2). A sample variance
            // has relative sd √((κ − 1)/n), κ the kurtosis: 3 for −ε/σ, E(ε² − 1)⁴/4 = 60/4 = 15 for 1 − ε²
            double expected = p < 3 ? precision : 2;
            double kurtosis = p < 3 ? 3 : 15;
            assertEquals(expected, m.variance(1, p), 5.6 * Math.sqrt((kurtosis - 1) / 200_000.0) * expected,
                    "reparameterisation variance, parameter " + p);
        }
    }
}
