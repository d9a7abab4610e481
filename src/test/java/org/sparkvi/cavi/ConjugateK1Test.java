package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * K = 1 is conjugate: q(μ) and q(λ) after one update are the exact posteriors, and the ELBO then equals the
 * log evidence log p(X) + log p(S), which has a closed form (Gaussian marginal; Poisson–Gamma marginal).
 */
class ConjugateK1Test {
    private static final double TAU = 0.7;
    private static final double RHO = 0.05;
    private static final double[] NU = {1.0, -2.0, 0.5};
    private static final double ALPHA = 2.5;
    private static final double BETA = 0.4;

    private static Hyperparameters hyper() {
        return new Hyperparameters(TAU, RHO, NU, ALPHA, BETA, new double[] {1.0}, PiPrior.FIXED, 1.0);
    }

    private static List<EventBlock> data() {
        SyntheticCatalogue sc = new SyntheticCatalogue(new double[] {3, -1, 2}, new double[] {6.5}, new double[] {1}, TAU);
        return sc.blocks(11, 0, 57, 20);
    }

    /** One CAVI update from an arbitrary start: with K = 1 it lands on the exact posterior. */
    private static VariationalParameters afterOneUpdate(Hyperparameters h, List<EventBlock> blocks) {
        LocalCaviData data = new LocalCaviData(blocks);
        VariationalParameters q0 = VariationalParameters.initial(h, new double[] {0, 0, 0}, 57, 1.0);
        return GlobalUpdate.apply(h, data.pass(h, q0, "test"));
    }

    @Test
    void oneUpdateGivesTheExactPosteriors() {
        Hyperparameters h = hyper();
        List<EventBlock> blocks = data();
        VariationalParameters q1 = afterOneUpdate(h, blocks);

        double n = 0;
        double[] sum = new double[3];
        double sumS = 0;
        for (EventBlock b : blocks) {
            for (int i = 0; i < b.size; i++) {
                n++;
                sumS += b.strength[i];
                for (int j = 0; j < 3; j++) {
                    sum[j] += b.x(i, j);
                }
            }
        }
        double precision = RHO + TAU * n;
        assertEquals(precision, q1.rhoStar(0), 1e-12 * precision);
        for (int j = 0; j < 3; j++) {
            double mean = (RHO * NU[j] + TAU * sum[j]) / precision;
            assertEquals(mean, q1.mean(0)[j], 1e-12 * (1 + Math.abs(mean)));
        }
        assertEquals(ALPHA + sumS, q1.shape(0), 1e-12 * sumS);
        assertEquals(BETA + n, q1.rate(0), 1e-12 * n);
    }

    @Test
    void elboAtTheExactPosteriorIsTheLogEvidence() {
        Hyperparameters h = hyper();
        List<EventBlock> blocks = data();
        VariationalParameters q1 = afterOneUpdate(h, blocks);
        double elbo = Elbo.afterResponsibilities(h, q1, new LocalCaviData(blocks).pass(h, q1, "test"));
        assertEquals(logEvidence(blocks), elbo, 1e-9 * Math.abs(elbo));
    }

    /**
     * log p(X) per dimension j: x_·j ~ N(ν_j 1, τ⁻¹ I + ρ⁻¹ 1 1ᵀ), whose determinant and inverse follow from the
     * matrix determinant lemma and Sherman–Morrison; log p(S) = log Γ(α+ΣS) − log Γ(α) + α log β
     * − (α+ΣS) log(β+N) − Σ log S_n!.
     */
    static double logEvidence(List<EventBlock> blocks) {
        int n = 0;
        for (EventBlock b : blocks) {
            n += b.size;
        }
        double logDet = n * Math.log(1 / TAU) + Math.log(1 + n * TAU / RHO);
        double total = 0;
        for (int j = 0; j < 3; j++) {
            double sq = 0;
            double s = 0;
            for (EventBlock b : blocks) {
                for (int i = 0; i < b.size; i++) {
                    double y = b.x(i, j) - NU[j];
                    sq += y * y;
                    s += y;
                }
            }
            // (τI + ... )⁻¹: Σ⁻¹ = τ I − τ² ρ⁻¹ 1 1ᵀ / (1 + n τ/ρ)
            double quad = TAU * sq - TAU * TAU / RHO * s * s / (1 + n * TAU / RHO);
            total += -0.5 * n * Math.log(2 * Math.PI) - 0.5 * logDet - 0.5 * quad;
        }
        double sumS = 0;
        double logFact = 0;
        for (EventBlock b : blocks) {
            for (int i = 0; i < b.size; i++) {
                sumS += b.strength[i];
                logFact += Gamma.logGamma(b.strength[i] + 1.0);
            }
        }
        total += Gamma.logGamma(ALPHA + sumS) - Gamma.logGamma(ALPHA) + ALPHA * Math.log(BETA)
                - (ALPHA + sumS) * Math.log(BETA + n) - logFact;
        return total;
    }
}
