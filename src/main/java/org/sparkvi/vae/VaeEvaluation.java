package org.sparkvi.vae;

import org.sparkvi.random.CounterRandom;

/**
 * Test-set figures: the −ELBO per image with the analytic KL and one z per image, and the importance-weighted
 * estimate of log p(x) (Burda et al. 2016): log (1/k) Σ_i p(x|z_i) p(z_i)/q(z_i|x), z_i ~ q(z|x).
 */
public final class VaeEvaluation {
    static final long TEST_EPSILON = 400;
    static final long IWAE_EPSILON = 500;

    private VaeEvaluation() {
    }

    /** The configuration with pixels binarised by rounding: the test set is fixed, whatever training did. */
    static VaeConfig rounded(VaeConfig c) {
        return c.withBinarize(VaeConfig.Binarize.ROUND);
    }

    /** Pixels of test image i (always rounded: the test set is fixed). */
    static void pixels(MnistData d, int i, VaeConfig c, double[] x, int row) {
        VaeConfig rounded = rounded(c);
        TrainingData.pixels(d.images(), i * d.pixels(), d.pixels(), i, 0, rounded, x, row);
    }

    /** −ELBO per image over the first {@code n} test images. */
    public static double testLoss(VaeConfig c, double[] params, MnistData test, int n) {
        VaeForward net = VaeForward.of(c, params);
        int batch = 100;
        double[] x = new double[batch * test.pixels()];
        double[] eps = new double[batch * c.latent()];
        double total = 0;
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            for (int r = 0; r < b; r++) {
                pixels(test, start + r, c, x, r);
                for (int j = 0; j < c.latent(); j++) {
                    eps[r * c.latent() + j] = CounterRandom.normal(c.seed(), TEST_EPSILON, (long) (start + r) * c.latent() + j);
                }
            }
            total += net.loss(x, eps, b);
        }
        return total / n;
    }

    /** Per image: the encoder's μ and log σ² (latent values each) and the −ELBO with one z (the test loss's draw). */
    public record PerImage(double[] mu, double[] logvar, double[] negElbo) {
    }

    /**
     * Encodes {@code n} images (bytes, 784 each, binarised by rounding as the test set is) and gives each its −ELBO
     * with the analytic KL and the z of {@link #testLoss}: ε keyed by (seed, the image's index). Summed over the
     * test set in order, these are testLoss × n.
     */
    public static PerImage perImage(VaeConfig c, double[] params, byte[] images, long[] index, int n) {
        VaeForward net = VaeForward.of(c, params);
        int lat = c.latent();
        int px = c.input();
        int batch = 100;
        double[] x = new double[batch * px];
        double[] eps = new double[batch * lat];
        PerImage out = new PerImage(new double[n * lat], new double[n * lat], new double[n]);
        VaeConfig rounded = rounded(c);
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            for (int r = 0; r < b; r++) {
                TrainingData.pixels(images, (start + r) * px, px, index[start + r], 0, rounded, x, r);
                for (int j = 0; j < lat; j++) {
                    eps[r * lat + j] = CounterRandom.normal(c.seed(), TEST_EPSILON, index[start + r] * lat + j);
                }
            }
            net.loss(x, eps, b);
            for (int r = 0; r < b; r++) {
                out.negElbo()[start + r] = net.reconstructionLoss(x, r * px, (r + 1) * px)
                        + net.analyticKl(r * lat, (r + 1) * lat);
            }
            System.arraycopy(net.mu(), 0, out.mu(), start * lat, b * lat);
            System.arraycopy(net.logvar(), 0, out.logvar(), start * lat, b * lat);
        }
        return out;
    }

    /** The mean over the first {@code n} test images of the k-sample importance-weighted estimate of log p(x). */
    public static double iwaeLogLikelihood(VaeConfig c, double[] params, MnistData test, int n, int k) {
        VaeForward net = VaeForward.of(c, params);
        int lat = c.latent();
        int px = test.pixels();
        double[] x = new double[px];
        double[] xs = new double[k * px];
        double[] z = new double[k * lat];
        double[] logW = new double[k];
        double total = 0;
        for (int i = 0; i < n; i++) {
            pixels(test, i, c, x, 0);
            net.encode(x, 1);
            double[] mu = java.util.Arrays.copyOf(net.mu(), lat);
            double[] lv = java.util.Arrays.copyOf(net.logvar(), lat);
            for (int s = 0; s < k; s++) {
                double w = 0;
                for (int j = 0; j < lat; j++) {
                    double e = CounterRandom.normal(c.seed(), IWAE_EPSILON, ((long) i * k + s) * lat + j);
                    double zz = mu[j] + Math.exp(0.5 * lv[j]) * e;
                    z[s * lat + j] = zz;
                    w += -0.5 * zz * zz + 0.5 * lv[j] + 0.5 * e * e; // log p(z) − log q(z|x); the 2π terms cancel
                }
                logW[s] = w;
                System.arraycopy(x, 0, xs, s * px, px);
            }
            net.decode(z, k);
            for (int s = 0; s < k; s++) {
                logW[s] -= net.reconstructionLoss(xs, s * px, (s + 1) * px);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logW) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : logW) {
                sum += Math.exp(v - max);
            }
            total += max + Math.log(sum / k);
        }
        return total / n;
    }
}
