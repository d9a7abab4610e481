package org.sparkvi.bench;

import dev.ludovic.netlib.blas.BLAS;
import java.util.SplittableRandom;
import org.sparkvi.vae.VaeConfig;

/**
 * The arithmetic ceiling of a VAE step: the step's GEMM calls alone (forward for every layer, dW for every layer, dX
 * for all but the first; 20 products), on random matrices of its own shapes for a batch of b rows, in sgemm or dgemm,
 * timed on 1 thread or on several at once (each its own matrices, as the shards of a data-parallel step run).
 * ceiling = b / (step FLOPs / rate) images per second per thread.
 */
final class GemmCeiling {
    private GemmCeiling() {
    }

    /** 2·b·in·out per product. */
    static double stepFlops(VaeConfig c, int b) {
        int[][] layers = shapes(c);
        double f = 0;
        for (int l = 0; l < layers.length; l++) {
            f += 2.0 * b * layers[l][0] * layers[l][1] * (l == 0 ? 2 : 3);
        }
        return f;
    }

    static int[][] shapes(VaeConfig c) {
        int in = c.input();
        int h = c.hidden();
        int z = c.latent();
        return new int[][] {{in, h}, {h, h}, {h, z}, {h, z}, {z, h}, {h, h}, {h, in}};
    }

    /** FLOP/s per thread of the step's products with b rows, {@code threads} threads at once; median of the repeats. */
    static double rate(VaeConfig c, int b, int threads, int repeats) throws InterruptedException {
        double[] perThread = new double[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> perThread[id] = c.inFloat() ? floatRate(c, b, repeats) : doubleRate(c, b, repeats));
            ts[t].start();
        }
        double sum = 0;
        for (int t = 0; t < threads; t++) {
            ts[t].join();
            sum += perThread[t];
        }
        return sum / threads;
    }

    private static double doubleRate(VaeConfig c, int b, int repeats) {
        BLAS blas = BLAS.getInstance();
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] layers = shapes(c);
        double[][] w = new double[layers.length][];
        double[][] x = new double[layers.length][];
        double[][] y = new double[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            w[l] = rnd.doubles((long) layers[l][0] * layers[l][1]).toArray();
            x[l] = rnd.doubles((long) b * Math.max(layers[l][0], layers[l][1])).toArray();
            y[l] = new double[b * Math.max(layers[l][0], layers[l][1])];
        }
        return stepFlops(c, b) / time(layers, repeats, (l, in, out) -> {
            blas.dgemm("T", "N", out, b, in, 1.0, w[l], in, x[l], in, 0.0, y[l], out);
            blas.dgemm("N", "T", in, out, b, 1.0, x[l], in, y[l], out, 1.0, w[l], in);
            if (l > 0) {
                blas.dgemm("N", "N", in, b, out, 1.0, w[l], in, y[l], out, 0.0, x[l], in);
            }
        });
    }

    private static double floatRate(VaeConfig c, int b, int repeats) {
        BLAS blas = BLAS.getInstance();
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] layers = shapes(c);
        float[][] w = new float[layers.length][];
        float[][] x = new float[layers.length][];
        float[][] y = new float[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            w[l] = floats(rnd, layers[l][0] * layers[l][1]);
            x[l] = floats(rnd, b * Math.max(layers[l][0], layers[l][1]));
            y[l] = new float[b * Math.max(layers[l][0], layers[l][1])];
        }
        return stepFlops(c, b) / time(layers, repeats, (l, in, out) -> {
            blas.sgemm("T", "N", out, b, in, 1f, w[l], in, x[l], in, 0f, y[l], out);
            blas.sgemm("N", "T", in, out, b, 1f, x[l], in, y[l], out, 1f, w[l], in);
            if (l > 0) {
                blas.sgemm("N", "N", in, b, out, 1f, w[l], in, y[l], out, 0f, x[l], in);
            }
        });
    }

    /** A layer's products: forward, dW, and dX but for the first layer. */
    private interface LayerProducts {
        void run(int layer, int in, int out);
    }

    /** Median seconds of a whole step's products, after 5 warm-up steps. */
    private static double time(int[][] layers, int repeats, LayerProducts products) {
        double[] times = new double[repeats];
        for (int r = 0; r < repeats + 5; r++) {
            long t0 = System.nanoTime();
            for (int l = 0; l < layers.length; l++) {
                products.run(l, layers[l][0], layers[l][1]);
            }
            if (r >= 5) {
                times[r - 5] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return Medians.of(times);
    }

    private static float[] floats(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 0.1);
        }
        return a;
    }
}
