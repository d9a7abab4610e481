package org.sparkvi.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD loops against the scalar loops they replace: the same floats, bit for bit. */
class FloatLanesTest {
    @Test
    void theTestJvmHasTheVectorModule() {
        assertTrue(FloatLanes.AVAILABLE, "the test JVM runs with --add-modules=jdk.incubator.vector");
    }

    /** Gaussian values of several scales, with zeros of both signs, subnormals and values whose square overflows. */
    static float[] values(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        float[] special = {0f, -0f, Float.MIN_VALUE, -1e-40f, 3e20f, -3e20f, 1e-8f};
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt(10) == 0 ? special[rnd.nextInt(special.length)]
                    : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 4));
        }
        return a;
    }

    /** Adam's float32 update as the scalar two-pass loop computes it (the sum into g[0], then the update). */
    static void scalarAdam(Adam adam, float[] theta, float[] mm, float[] vv, float[][] g, int from, int to, long t) {
        for (int q = 1; q < g.length; q++) {
            for (int i = from; i < to; i++) {
                g[0][i] += g[q][i];
            }
        }
        float b1 = (float) adam.beta1;
        float b2 = (float) adam.beta2;
        float a1 = (float) (1 - adam.beta1);
        float a2 = (float) (1 - adam.beta2);
        float e = (float) adam.eps;
        float c2 = (float) Math.sqrt(1 - Math.pow(adam.beta2, t));
        float stepSize = (float) (adam.lr / (1 - Math.pow(adam.beta1, t)));
        for (int i = from; i < to; i++) {
            float gi = 0f + g[0][i];
            float m1 = b1 * mm[i] + a1 * gi;
            float v1 = b2 * vv[i] + a2 * gi * gi;
            mm[i] = m1;
            vv[i] = v1;
            theta[i] -= stepSize * m1 / ((float) Math.sqrt(v1) / c2 + e);
        }
    }

    /**
     * 360 calls with 10,000 entries: the first calls in a JVM (Adam's warm-up) take the lanes for the first 8,192
     * entries and the scalar loops for the rest, the later ones the lanes throughout; both must give the same floats.
     */
    @Test
    void adamInOnePassGivesTheScalarUpdatesFloats() {
        SplittableRandom rnd = new SplittableRandom(21);
        Adam adam = new Adam(1, 1e-3, 0.9, 0.999, 1e-8);
        int n = 10_000;
        for (int call = 0; call < 360; call += 12) {
            adamCases(rnd, adam, n);
        }
    }

    private static void adamCases(SplittableRandom rnd, Adam adam, int n) {
        for (int shards = 1; shards <= 3; shards++) {
            for (int[] range : new int[][] {{0, n}, {7, 7 + 3 * FloatLanes.LANES + 5}, {3, 3}, {n - 2, n}}) {
                float[] theta = values(rnd, n);
                float[] m = values(rnd, n);
                float[] v = values(rnd, n);
                for (int i = 0; i < n; i++) {
                    v[i] = Math.abs(v[i]); // a second moment
                }
                float[][] g = new float[shards][];
                for (int q = 0; q < shards; q++) {
                    g[q] = values(rnd, n);
                }
                float[] theta2 = theta.clone();
                float[] m2 = m.clone();
                float[] v2 = v.clone();
                float[][] g2 = new float[shards][];
                for (int q = 0; q < shards; q++) {
                    g2[q] = g[q].clone();
                }
                long t = 1 + rnd.nextInt(1000);
                adam.applyTo(theta, m, v, g, range[0], range[1], t);
                scalarAdam(adam, theta2, m2, v2, g2, range[0], range[1], t);
                String what = shards + " gradients, entries " + range[0] + " to " + range[1];
                assertArrayEquals(theta2, theta, what + ": θ");
                assertArrayEquals(m2, m, what + ": m");
                assertArrayEquals(v2, v, what + ": v");
            }
        }
    }
}
