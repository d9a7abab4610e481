package org.sparkvi.vae;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Where each layer's weights and biases sit in the one flat parameter vector. Seven dense layers, PyTorch's
 * convention (W is out × in, y = x Wᵀ + b): encoder 784→400→400, heads 400→200 (mean) and 400→200 (log-variance),
 * decoder 200→400→400→784.
 */
public final class VaeLayout implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int E1 = 0;
    public static final int E2 = 1;
    public static final int MU = 2;
    public static final int LOGVAR = 3;
    public static final int D1 = 4;
    public static final int D2 = 5;
    public static final int OUT = 6;
    static final String[] NAMES = {"encoder.1", "encoder.2", "mean", "log_variance", "decoder.1", "decoder.2", "output"};

    final int[] in;
    final int[] out;
    final int[] weight;
    final int[] bias;
    final int size;

    public VaeLayout(VaeConfig c) {
        in = new int[] {c.input(), c.hidden(), c.hidden(), c.hidden(), c.latent(), c.hidden(), c.hidden()};
        out = new int[] {c.hidden(), c.hidden(), c.latent(), c.latent(), c.hidden(), c.hidden(), c.input()};
        weight = new int[7];
        bias = new int[7];
        int o = 0;
        for (int l = 0; l < 7; l++) {
            weight[l] = o;
            o += in[l] * out[l];
            bias[l] = o;
            o += out[l];
        }
        size = o;
    }

    public int size() {
        return size;
    }

    /** nn.Linear's initialisation: weights and biases U(−1/√fan_in, 1/√fan_in), drawn from the seed, layer by layer. */
    public double[] initialParameters(long seed) {
        double[] p = new double[size];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int l = 0; l < 7; l++) {
            double bound = 1 / Math.sqrt(in[l]);
            for (int i = weight[l]; i < bias[l] + out[l]; i++) {
                p[i] = (2 * rnd.nextDouble() - 1) * bound;
            }
        }
        return p;
    }
}
