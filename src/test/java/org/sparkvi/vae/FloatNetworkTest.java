package org.sparkvi.vae;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 network against the double one (whose gradient finite differences check, {@link VaeGradientTest}): the
 * same loss and gradient to float32 round-off, for both estimators; and a loss and gradient that stay finite on
 * all-black and all-white images even where the logits are far beyond where sigmoid(ℓ) rounds to 0 or 1.
 */
class FloatNetworkTest {
    static final VaeConfig FULL = VaeConfig.defaults();

    /**
     * Parameters (float32 values) scaled by {@code scale} from {@code fromLayer} on, binary x of the given kind (−1:
     * random), fixed ε.
     */
    record Case(double[] p, double[] x, double[] eps, int b) {
        static Case of(VaeConfig c, double scale, int fromLayer, int pixel, long seed) {
            Random rnd = new Random(seed);
            VaeLayout layout = new VaeLayout(c);
            double[] p = layout.initialParameters(seed);
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (i >= layout.weight[fromLayer] ? p[i] * scale : p[i]);
            }
            int b = 20;
            double[] x = new double[b * c.input()];
            for (int i = 0; i < x.length; i++) {
                x[i] = pixel >= 0 ? pixel : rnd.nextBoolean() ? 1 : 0;
            }
            double[] eps = new double[b * c.latent()];
            for (int i = 0; i < eps.length; i++) {
                eps[i] = (float) rnd.nextGaussian();
            }
            return new Case(p, x, eps, b);
        }
    }

    static double floatGradient(VaeConfig c, Case k, double[] grad) {
        float[] g = new float[grad.length];
        double loss = new FloatVaeNetwork(c).lossAndGradient(Floats.narrow(k.p), Floats.narrow(k.x), Floats.narrow(k.eps),
                k.b, g);
        Floats.widen(g, grad, g.length);
        return loss;
    }

    static void agrees(VaeConfig c, double scale) {
        Case k = Case.of(c, scale, 0, -1, 3);
        double[] gd = new double[k.p.length];
        double ld = new VaeNetwork(c.withPrecision(VaeConfig.Precision.DOUBLE)).lossAndGradient(k.p, k.x, k.eps, k.b, gd);
        double[] gf = new double[k.p.length];
        double lf = floatGradient(c, k, gf);
        // float32 rounds each product and sum to 6e-8 relative; through sums of up to 784 terms and 7 layers and back
        // that leaves ~1e-7 of the gradient's scale (its largest entry; measured 3e-7), and less of the loss, which
        // is summed in double (measured 2e-10 and 8e-9): bounds 30× those
        assertTrue(Math.abs(lf - ld) < 3e-7 * Math.abs(ld), "loss " + lf + " vs " + ld);
        double scaleOfGradient = Arrays.stream(gd).map(Math::abs).max().orElseThrow();
        double worst = 0;
        for (int i = 0; i < gd.length; i++) {
            worst = Math.max(worst, Math.abs(gf[i] - gd[i]) / scaleOfGradient);
        }
        assertTrue(worst < 1e-5, "largest gradient difference " + worst + " of the largest entry " + scaleOfGradient);
    }

    @Test
    void floatLossAndGradientEqualTheDoubleOnesToFloatRoundOff() {
        agrees(FULL, 1);
        agrees(FULL.withSizes(64, 16, 100).withEstimator(VaeConfig.Estimator.STL), 3);
    }

    @Test
    void lossIsFiniteOnAllBlackAndAllWhiteImagesWithHugeLogits() {
        VaeConfig c = FULL.withSizes(64, 16, 100);
        // the output layer ×3000: logits of hundreds to thousands, where float32's sigmoid is exactly 0 or 1 and
        // log(sigmoid) would be −∞
        for (double scale : new double[] {1, 3000}) {
            for (int pixel : new int[] {0, 1}) {
                Case k = Case.of(c, scale, VaeLayout.OUT, pixel, 5);
                double[] g = new double[k.p.length];
                double loss = floatGradient(c, k, g);
                assertTrue(Double.isFinite(loss) && loss >= 0, "scale " + scale + ", pixels " + pixel + ": loss " + loss);
                assertTrue(Arrays.stream(g).allMatch(Double::isFinite), "scale " + scale + ", pixels " + pixel);
                if (scale > 1) { // the logits are indeed far out
                    FloatVaeNetwork net = new FloatVaeNetwork(c);
                    net.lossAndGradient(Floats.narrow(k.p), Floats.narrow(k.x), Floats.narrow(k.eps), k.b,
                            new float[k.p.length]);
                    float big = 0;
                    for (int i = 0; i < k.b * c.input(); i++) {
                        big = Math.max(big, Math.abs(net.logits[i]));
                    }
                    assertTrue(big > 200, "largest |logit| " + big);
                }
            }
        }
    }
}
