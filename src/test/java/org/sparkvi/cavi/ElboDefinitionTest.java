package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The production ELBO against one written here from the definition, E_q[log p(X,S,Z,μ,λ,π)] − E_q[log q], each
 * expectation spelled out separately, on a tiny weighted data set with arbitrary (non-optimal) q.
 */
class ElboDefinitionTest {

    @ParameterizedTest
    @EnumSource(PiPrior.class)
    void productionElboEqualsTheDefinition(PiPrior prior) {
        Random rnd = new Random(5);
        int k = 3;
        int d = 2;
        Hyperparameters h = new Hyperparameters(1.3, 0.2, new double[] {0.5, -0.3}, 1.7, 0.6,
                new double[] {0.2, 0.5, 0.3}, prior, 0.8);
        EventBlock.Builder b = new EventBlock.Builder(d, true, false);
        for (int n = 0; n < 9; n++) {
            int s = rnd.nextInt(7);
            double extra = rnd.nextGaussian(); // stands for a Jacobian term −log|J_n|
            b.add(new double[] {rnd.nextGaussian() * 2, rnd.nextGaussian() * 2}, s, 0.5 + rnd.nextDouble(),
                    -Gamma.logGamma(s + 1.0) + extra, n);
        }
        EventBlock block = b.build();
        VariationalParameters q = new VariationalParameters(k, d, new double[] {1, 0, -1, 1, 0.3, -2},
                new double[] {3, 5, 8}, new double[] {2, 4.5, 1.2}, new double[] {1.5, 0.7, 2.2},
                prior == PiPrior.DIRICHLET ? new double[] {2.5, 0.9, 4} : null);
        VariationalParameters other = new VariationalParameters(k, d, new double[] {0.2, 0.1, -1.5, 0.4, 1, -1},
                new double[] {4, 2, 6}, new double[] {3, 1.5, 2.2}, new double[] {0.5, 1.7, 1.2},
                prior == PiPrior.DIRICHLET ? new double[] {1.5, 3.9, 2} : null);
        SufficientStatistics stats = new LocalCaviData(List.of(block)).pass(h, q, "test");

        double[][] r = responsibilities(h, q, block);
        double expected = definition(h, q, block, r);
        assertEquals(expected, Elbo.afterResponsibilities(h, q, stats), 1e-11 * Math.abs(expected));
        // the same responsibilities with other global factors: the form used after an update
        double expectedOther = definition(h, other, block, r);
        assertEquals(expectedOther, Elbo.atParameters(h, other, stats), 1e-11 * Math.abs(expectedOther));
    }

    private static double eLogPi(Hyperparameters h, VariationalParameters q, int c) {
        if (h.piPrior() == PiPrior.FIXED) {
            return Math.log(h.pi()[c]);
        }
        double sum = 0;
        for (double g : q.dirichlet()) {
            sum += g;
        }
        return Gamma.digamma(q.dirichlet()[c]) - Gamma.digamma(sum);
    }

    /** E_q[log p(x_n, S_n, Z_n = c | ·)] for every event and cluster, from the model's densities. */
    private static double[][] expectedLogJoint(Hyperparameters h, VariationalParameters q, EventBlock b) {
        int d = b.dim;
        double[][] l = new double[b.size][q.k()];
        for (int n = 0; n < b.size; n++) {
            for (int c = 0; c < q.k(); c++) {
                double[] m = q.mean(c);
                double eSq = d / q.rhoStar(c); // E‖x − μ‖² = ‖x − m‖² + tr Cov
                for (int j = 0; j < d; j++) {
                    eSq += Math.pow(b.x(n, j) - m[j], 2);
                }
                double logNormal = -0.5 * d * Math.log(2 * Math.PI) + 0.5 * d * Math.log(h.tau()) - 0.5 * h.tau() * eSq;
                double eLogLambda = Gamma.digamma(q.shape(c)) - Math.log(q.rate(c));
                double logPoisson = b.strength[n] * eLogLambda - q.shape(c) / q.rate(c)
                        - Gamma.logGamma(b.strength[n] + 1.0);
                double jacobian = b.logBase[n] + Gamma.logGamma(b.strength[n] + 1.0);
                l[n][c] = eLogPi(h, q, c) + logNormal + logPoisson + jacobian;
            }
        }
        return l;
    }

    private static double[][] responsibilities(Hyperparameters h, VariationalParameters q, EventBlock b) {
        double[][] l = expectedLogJoint(h, q, b);
        double[][] r = new double[b.size][];
        for (int n = 0; n < b.size; n++) {
            double z = 0;
            r[n] = new double[q.k()];
            for (int c = 0; c < q.k(); c++) {
                z += Math.exp(l[n][c]);
            }
            for (int c = 0; c < q.k(); c++) {
                r[n][c] = Math.exp(l[n][c]) / z;
            }
        }
        return r;
    }

    private static double definition(Hyperparameters h, VariationalParameters q, EventBlock b, double[][] r) {
        int d = b.dim;
        int k = q.k();
        double[][] l = expectedLogJoint(h, q, b);
        double elbo = 0;
        for (int n = 0; n < b.size; n++) {
            for (int c = 0; c < k; c++) {
                elbo += b.weight(n) * r[n][c] * (l[n][c] - Math.log(r[n][c]));
            }
        }
        for (int c = 0; c < k; c++) {
            double[] m = q.mean(c);
            double dist = 0;
            for (int j = 0; j < d; j++) {
                dist += Math.pow(m[j] - h.nu()[j], 2);
            }
            double eLogPMu = -0.5 * d * Math.log(2 * Math.PI / h.rho()) - 0.5 * h.rho() * (dist + d / q.rhoStar(c));
            double entropyMu = 0.5 * d * Math.log(2 * Math.PI * Math.E / q.rhoStar(c));
            double a = q.shape(c);
            double bb = q.rate(c);
            double eLogLambda = Gamma.digamma(a) - Math.log(bb);
            double eLogPLambda = h.alpha() * Math.log(h.beta()) - Gamma.logGamma(h.alpha())
                    + (h.alpha() - 1) * eLogLambda - h.beta() * a / bb;
            double entropyLambda = a - Math.log(bb) + Gamma.logGamma(a) + (1 - a) * Gamma.digamma(a);
            elbo += eLogPMu + entropyMu + eLogPLambda + entropyLambda;
        }
        if (h.piPrior() == PiPrior.DIRICHLET) {
            double c0 = h.piConcentration();
            double[] g = q.dirichlet();
            double eLogPPi = Gamma.logGamma(k * c0) - k * Gamma.logGamma(c0);
            double sumG = 0;
            double logB = 0;
            double eLogQ = 0;
            for (int c = 0; c < k; c++) {
                eLogPPi += (c0 - 1) * eLogPi(h, q, c);
                sumG += g[c];
                logB += Gamma.logGamma(g[c]);
                eLogQ += (g[c] - 1) * eLogPi(h, q, c);
            }
            eLogQ += Gamma.logGamma(sumG) - logB;
            elbo += eLogPPi - eLogQ;
        }
        return elbo;
    }
}
