package org.sparkvi.vae;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.sparkvi.random.CounterRandom;

/**
 * What a step needs, keyed by (seed, epoch, image index) so that any process computes the same values: the epoch's
 * order of the training images (a Fisher–Yates shuffle), each image's pixels in {0, 1}, and its ε.
 */
public final class TrainingData implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long SHUFFLE = 100;
    static final long EPSILON = 200;
    static final long BERNOULLI = 300;

    private TrainingData() {
    }

    /** The epoch's order of n images. */
    public static int[] permutation(long seed, int epoch, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rnd = CounterRandom.generator(seed, SHUFFLE, epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Image {@code index}'s pixels into row {@code row} of x: round(p) (p = byte/255), or Bernoulli(p) drawn for this epoch. */
    public static void pixels(byte[] image, int offset, int pixels, long index, int epoch, VaeConfig c, double[] x, int row) {
        int o = row * pixels;
        if (c.binarize() == VaeConfig.Binarize.ROUND) {
            for (int j = 0; j < pixels; j++) {
                x[o + j] = (image[offset + j] & 0xff) >= 128 ? 1 : 0; // torch.round(p/255): p ≥ 128 ⟺ p/255 > 0.5
            }
        } else {
            long base = ((long) epoch * Integer.MAX_VALUE + index) * pixels;
            for (int j = 0; j < pixels; j++) {
                x[o + j] = CounterRandom.uniform(c.seed(), BERNOULLI, base + j) < (image[offset + j] & 0xff) / 255.0 ? 1 : 0;
            }
        }
    }

    /** Image {@code index}'s ε for this epoch into row {@code row}. */
    public static void epsilon(long seed, int epoch, long index, int latent, double[] eps, int row) {
        long base = ((long) epoch * Integer.MAX_VALUE + index) * latent;
        for (int j = 0; j < latent; j++) {
            eps[row * latent + j] = CounterRandom.normal(seed, EPSILON, base + j);
        }
    }
}
