package org.sparkvi.sampling;

import org.sparkvi.random.CounterRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The reparameterised samplers' derivatives with respect to their parameters, against central finite differences. */
class SamplerDerivativeTest {
    @Test
    void exponentialPathwiseDerivativeIsMinusZOverLambda() {
        for (double u : new double[] {1e-6, 0.1, 0.5, 0.9, 0.999999}) {
            for (double rate : new double[] {0.3, 1, 7}) {
                double z = -Math.log1p(-u) / rate;
                double h = 1e-6 * rate;
                double fd = (-Math.log1p(-u) / (rate + h) + Math.log1p(-u) / (rate - h)) / (2 * h);
                assertEquals(fd, -z / rate, 1e-7 * (1 + Math.abs(fd)), "u " + u + ", rate " + rate);
            }
        }
    }

    @Test
    void theComplementIsExactlyOneMinusTheUniform() {
        for (long i = 0; i < 100_000; i++) {
            double u = CounterRandom.uniform(3, 5, i);
            double v = CounterRandom.uniformComplement(3, 5, i);
            assertTrue(u > 0 && u < 1 && v > 0 && v < 1);
            assertEquals(1.0, u + v, 0.0, "u + (1 - u) at index " + i);
            assertEquals(new java.math.BigDecimal(1).subtract(new java.math.BigDecimal(u)), new java.math.BigDecimal(v));
        }
    }

    @Test
    void gumbelSoftmaxJacobianWithRespectToLogPi() {
        double[] logits = {Math.log(0.1), Math.log(0.2), Math.log(0.5), Math.log(0.2)};
        double[] g = {0.3, -1.2, 0.8, 2.1};
        for (double tau : new double[] {0.1, 0.5, 1, 3}) {
            double[] y = new double[4];
            GumbelSoftmax.relaxed(logits, g, tau, y);
            double[][] j = GumbelSoftmax.jacobian(y, tau);
            for (int b = 0; b < 4; b++) {
                double h = 1e-6;
                double[] plus = logits.clone();
                double[] minus = logits.clone();
                plus[b] += h;
                minus[b] -= h;
                double[] yp = new double[4];
                double[] ym = new double[4];
                GumbelSoftmax.relaxed(plus, g, tau, yp);
                GumbelSoftmax.relaxed(minus, g, tau, ym);
                for (int a = 0; a < 4; a++) {
                    assertEquals((yp[a] - ym[a]) / (2 * h), j[a][b], 1e-6, "tau " + tau + ", dy" + a + "/dlogit" + b);
                }
            }
        }
    }
}
