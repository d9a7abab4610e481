package org.sparkvi.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * Each sampler's law, with fixed seeds. The suite makes {@value #TESTS} checks (Exponential: 2 rates × 7 —
 * KS, mean and variance of each way and a two-sample KS; Normal: 6; Categorical: 2 χ²); each rejects at level
 * α = 1e-6 / {@value #TESTS} (Bonferroni), so a correct sampler fails any of them with probability below 1e-6 over
 * the choice of seeds. The same thresholds reject a sampler of a slightly wrong law (the last test), so they have teeth.
 */
class SamplerLawTest {
    static final int TESTS = 22;
    static final double ALPHA = 1e-6 / TESTS;
    /** |z| beyond 5.6 rejects a mean or variance: two-sided p = 2.1e-8 < ALPHA = 4.5e-8. */
    static final double Z = 5.6;
    static final int N = 200_000;

    static double[] draw(Draws d, boolean direct, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = direct ? d.directContinuous(i) : d.reparameterizedContinuous(i);
        }
        return x;
    }

    static void assertLaw(RealDistribution exact, double[] x, String what) {
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(exact, x);
        assertTrue(p > ALPHA, what + ": KS p = " + p);
        Moments m = new Moments();
        for (double v : x) {
            m.add(v);
        }
        double mean = exact.getNumericalMean();
        double var = exact.getNumericalVariance();
        assertTrue(Math.abs(m.mean() - mean) / Math.sqrt(var / x.length) < Z, what + ": mean " + m.mean());
        // Var(s²) ≈ (μ4 − σ⁴)/n with μ4 = 9σ⁴ (Exponential) or 3σ⁴ (Normal)
        double kurt = exact instanceof ExponentialDistribution ? 9 : 3;
        assertTrue(Math.abs(m.variance() - var) / Math.sqrt((kurt - 1) * var * var / x.length) < Z,
                what + ": variance " + m.variance());
    }

    @Test
    void exponentialBothWays() {
        for (double rate : new double[] {1, 3.5}) {
            Law law = new Law.Exponential(rate);
            Draws d = new Draws(law, 11);
            double[] a = draw(d, true, N);
            double[] b = draw(d, false, N);
            assertLaw(SampleReport.exact(law), a, "direct exponential " + rate);
            assertLaw(SampleReport.exact(law), b, "reparameterised exponential " + rate);
            assertTrue(new KolmogorovSmirnovTest().kolmogorovSmirnovTest(a, b) > ALPHA, "two-sample KS");
        }
    }

    @Test
    void normalBothWays() {
        Law law = new Law.Normal(-2, 0.7);
        Draws d = new Draws(law, 12);
        assertLaw(SampleReport.exact(law), draw(d, true, N), "direct normal");
        assertLaw(SampleReport.exact(law), draw(d, false, N), "reparameterised normal");
    }

    @Test
    void categoricalBothWays() {
        double[] p = {0.1, 0.2, 0.5, 0.2};
        Law.Categorical law = new Law.Categorical(p, 0.1);
        Draws d = new Draws(law, 13);
        int n = 1_000_000;
        long[] direct = new long[4];
        long[] gumbel = new long[4];
        double[] y = new double[4];
        for (int i = 0; i < n; i++) {
            direct[d.directCategory(i)]++;
            int g = d.gumbelCategory(i, 0.1, y);
            gumbel[g]++;
            int argmax = 0;
            for (int k = 1; k < 4; k++) {
                argmax = y[k] > y[argmax] ? k : argmax;
            }
            assertEquals(g, argmax, "the relaxed vector's argmax is the Gumbel-max draw");
        }
        ChiSquareTest chi = new ChiSquareTest();
        assertTrue(chi.chiSquareTest(p, direct) > ALPHA, "alias table chi2");
        assertTrue(chi.chiSquareTest(p, gumbel) > ALPHA, "Gumbel-max chi2");
        // a zero-probability category is never drawn either way
        Draws z = new Draws(new Law.Categorical(new double[] {0.3, 0, 0.7}, 1), 14);
        for (int i = 0; i < 100_000; i++) {
            assertTrue(z.directCategory(i) != 1 && z.gumbelCategory(i, 1, null) != 1);
        }
    }

    @Test
    void theThresholdsRejectASlightlyWrongLaw() {
        Draws d = new Draws(new Law.Exponential(1.05), 15);
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(SampleReport.exact(new Law.Exponential(1)), draw(d, false, N));
        assertTrue(p < ALPHA, "a 5% wrong rate is caught: p = " + p);
    }
}
