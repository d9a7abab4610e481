package org.sparkvi.vae;

import dev.ludovic.netlib.blas.BLAS;

/**
 * {@link VaeNetwork} in float32, as PyTorch trains it: the same layout ({@link VaeLayout}), layers, loss and
 * gradient (VaeNetwork's comment gives the formulas), every product one {@code sgemm}; parameters, activations and
 * gradients are float[], the batch's loss is summed in double (it costs nothing). Differences of form, for speed:
 * each layer's bias is written into its output before the product (sgemm with β = 1 adds onto it); LeakyReLU is
 * applied in place, and its backward pass tests the activation (post > 0 ⟺ pre > 0 for a slope in [0, 1)); the
 * gradient is written, not added (each parameter's block is written once a step: no zeroing pass); the sigmoid of
 * ∂BCE/∂ℓ reuses the softplus's e^{−|ℓ|}, and the logs of the softplus are taken of products. BCE is taken from the
 * logits, softplus(ℓ) − xℓ with softplus(ℓ) = max(ℓ, 0) + log(1 + e^{−|ℓ|}): no log(0), finite for any finite ℓ.
 * Not thread-safe: one per task.
 */
public final class FloatVaeNetwork {
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();
    final VaeConfig config;
    final VaeLayout layout;
    private int capacity;
    float[] h1;
    float[] h2;
    float[] mu;
    float[] logvar;
    private float[] sigma;
    float[] z;
    private float[] g1;
    private float[] g2;
    float[] logits;
    private float[] dLogits;
    private double[] expNegAbs;
    private float[] dG2;
    private float[] dG1;
    private float[] dZ;
    private float[] dMu;
    private float[] dLogvar;
    private float[] dH2;
    private float[] dH1;

    /** Factors of 1 + e^{−|ℓ|} multiplied before one log. */
    private static final int PRODUCT = 512;

    public FloatVaeNetwork(VaeConfig config) {
        this.config = config;
        this.layout = new VaeLayout(config);
    }

    private void ensure(int b) {
        if (b <= capacity) {
            return;
        }
        int in = config.input();
        int h = config.hidden();
        int l = config.latent();
        h1 = new float[b * h];
        h2 = new float[b * h];
        mu = new float[b * l];
        logvar = new float[b * l];
        sigma = new float[b * l];
        z = new float[b * l];
        g1 = new float[b * h];
        g2 = new float[b * h];
        logits = new float[b * in];
        dLogits = new float[b * in];
        expNegAbs = new double[b * in];
        dG2 = new float[b * h];
        dG1 = new float[b * h];
        dZ = new float[b * l];
        dMu = new float[b * l];
        dLogvar = new float[b * l];
        dH2 = new float[b * h];
        dH1 = new float[b * h];
        capacity = b;
    }

    /** y (B×out) = b + x (B×in) Wᵀ for layer l: the bias rows first, the product added by sgemm (β = 1). */
    private void dense(float[] p, int l, float[] x, int b, float[] y) {
        int in = layout.in[l];
        int out = layout.out[l];
        int bo = layout.bias[l];
        for (int r = 0; r < b; r++) {
            System.arraycopy(p, bo, y, r * out, out);
        }
        BLAS_INSTANCE.sgemm("T", "N", out, b, in, 1f, p, layout.weight[l], in, x, 0, in, 1f, y, 0, out);
    }

    /**
     * Writes dW = dyᵀ x and db = Σ dy into grad (each layer's block is written once a step, so grad needs no zeroing);
     * writes dx = dy W (+ dxBeta·dx) when dx is not null.
     */
    private void denseBackward(float[] p, int l, float[] x, float[] dy, int b, float[] grad, float[] dx, float dxBeta) {
        int in = layout.in[l];
        int out = layout.out[l];
        BLAS_INSTANCE.sgemm("N", "T", in, out, b, 1f, x, 0, in, dy, 0, out, 0f, grad, layout.weight[l], in);
        int bo = layout.bias[l];
        System.arraycopy(dy, 0, grad, bo, out);
        for (int r = 1; r < b; r++) {
            int o = r * out;
            for (int j = 0; j < out; j++) {
                grad[bo + j] += dy[o + j];
            }
        }
        if (dx != null) {
            BLAS_INSTANCE.sgemm("N", "N", in, b, out, 1f, p, layout.weight[l], in, dy, 0, out, dxBeta, dx, 0, in);
        }
    }

    /** LeakyReLU in place: max(v, s·v) for a slope s in [0, 1), without a branch. */
    private void leaky(float[] y, int n) {
        float s = (float) config.leak();
        for (int i = 0; i < n; i++) {
            float v = y[i];
            y[i] = Math.max(v, s * v);
        }
    }

    /**
     * d ← d ⊙ lrelu'(pre), read from the activation: post ≤ 0 exactly where pre ≤ 0. Branch-free (the signs are
     * random, and x86 has no conditional move for floats): the bits of d or of s·d chosen by a mask that is all ones
     * where post > 0, i.e. where post's bits as an int are > 0 (−0.0 is Integer.MIN_VALUE), (~p & −p) >> 31.
     */
    private void leakyBackward(float[] post, float[] d, int n) {
        float s = (float) config.leak();
        for (int i = 0; i < n; i++) {
            int p = Float.floatToRawIntBits(post[i]);
            int mask = (~p & -p) >> 31;
            float v = d[i];
            d[i] = Float.intBitsToFloat((Float.floatToRawIntBits(v) & mask) | (Float.floatToRawIntBits(s * v) & ~mask));
        }
    }

    /** The encoder: fills μ and log σ² for a batch. */
    public void encode(float[] p, float[] x, int b) {
        ensure(b);
        int h = config.hidden();
        dense(p, VaeLayout.E1, x, b, h1);
        leaky(h1, b * h);
        dense(p, VaeLayout.E2, h1, b, h2);
        leaky(h2, b * h);
        dense(p, VaeLayout.MU, h2, b, mu);
        dense(p, VaeLayout.LOGVAR, h2, b, logvar);
    }

    /** The decoder from z (B×latent): fills the logits ℓ. */
    public void decode(float[] p, float[] zIn, int b) {
        ensure(b);
        int h = config.hidden();
        dense(p, VaeLayout.D1, zIn, b, g1);
        leaky(g1, b * h);
        dense(p, VaeLayout.D2, g1, b, g2);
        leaky(g2, b * h);
        dense(p, VaeLayout.OUT, g2, b, logits);
    }

    /**
     * The loss of a batch (x: B×input in [0, 1]; eps: B×latent standard normals), its gradient written into
     * {@code grad} (every entry; whatever it held is overwritten): what {@link VaeNetwork#lossAndGradient} computes,
     * in float32.
     */
    public double lossAndGradient(float[] p, float[] x, float[] eps, int b, float[] grad) {
        return lossAndGradient(p, x, eps, b, grad, null);
    }

    /** Told during the backward pass that grad's entries [from, size) are final, with the batch's loss. */
    @FunctionalInterface
    interface GradientReady {
        void ready(int from, double loss);
    }

    /**
     * {@link #lossAndGradient(float[], float[], float[], int, float[])}, telling {@code ready} (if not null) after each
     * layer's backward pass from which entry on the gradient is final: the layers are laid out encoder first, and the
     * backward pass finishes the decoder's first, so an exchange can send those while the encoder's are computed.
     */
    double lossAndGradient(float[] p, float[] x, float[] eps, int b, float[] grad, GradientReady ready) {
        int in = config.input();
        int h = config.hidden();
        int lat = config.latent();
        boolean stl = config.estimator() == VaeConfig.Estimator.STL;
        encode(p, x, b);
        double kl = 0;
        for (int i = 0; i < b * lat; i++) {
            float s = (float) Math.exp(0.5f * logvar[i]);
            sigma[i] = s;
            z[i] = mu[i] + s * eps[i];
            if (stl) {
                kl += -0.5 * logvar[i] - 0.5 * eps[i] * eps[i] + 0.5 * z[i] * z[i]; // log q(z|x) − log p(z)
            } else {
                kl += -0.5 * (1 + logvar[i] - mu[i] * mu[i] - (double) s * s);
            }
        }
        decode(p, z, b);
        // Σ softplus(ℓ) − xℓ = Σ (max(ℓ, 0) − xℓ) + Σ log(1 + e^{−|ℓ|}); the second sum as the log of products of
        // PRODUCT factors in (1, 2] (at most 2^PRODUCT: no overflow), one log per PRODUCT pixels instead of one each
        double rec = 0;
        int n = b * in;
        // e^{−|ℓ|} for every pixel first, over SIMD lanes (FloatLanes.exp): one at a time, Math.exp took 0.3–0.5 ms
        // of a shard's 5 ms step
        for (int i = 0; i < n; i++) {
            expNegAbs[i] = -Math.abs(logits[i]);
        }
        FloatLanes.exp(expNegAbs, n);
        for (int from = 0; from < n; from += PRODUCT) {
            int to = Math.min(n, from + PRODUCT);
            double product = 1;
            for (int i = from; i < to; i++) {
                float l = logits[i];
                double e = expNegAbs[i];
                double r = 1 / (1 + e);
                product *= 1 + e;
                rec += Math.max(l, 0) - x[i] * l;
                dLogits[i] = (float) ((l >= 0 ? r : e * r) - x[i]); // sigmoid(ℓ) − x
            }
            rec += Math.log(product);
        }
        double loss = rec + kl;
        denseBackward(p, VaeLayout.OUT, g2, dLogits, b, grad, dG2, 0);
        tell(ready, VaeLayout.OUT, loss);
        leakyBackward(g2, dG2, b * h);
        denseBackward(p, VaeLayout.D2, g1, dG2, b, grad, dG1, 0);
        tell(ready, VaeLayout.D2, loss);
        leakyBackward(g1, dG1, b * h);
        denseBackward(p, VaeLayout.D1, z, dG1, b, grad, dZ, 0);
        tell(ready, VaeLayout.D1, loss);
        for (int i = 0; i < b * lat; i++) {
            float s = sigma[i];
            if (stl) {
                float dz = dZ[i] - eps[i] / s + z[i]; // path derivative of log q(z|x) − log p(z) through z only
                dMu[i] = dz;
                dLogvar[i] = dz * eps[i] * 0.5f * s;
            } else {
                dMu[i] = dZ[i] + mu[i];
                dLogvar[i] = dZ[i] * eps[i] * 0.5f * s + 0.5f * (s * s - 1); // e^v = σ²
            }
        }
        denseBackward(p, VaeLayout.MU, h2, dMu, b, grad, dH2, 0);
        denseBackward(p, VaeLayout.LOGVAR, h2, dLogvar, b, grad, dH2, 1);
        tell(ready, VaeLayout.MU, loss); // the heads' blocks, μ's then log σ²'s, are both done
        leakyBackward(h2, dH2, b * h);
        denseBackward(p, VaeLayout.E2, h1, dH2, b, grad, dH1, 0);
        tell(ready, VaeLayout.E2, loss);
        leakyBackward(h1, dH1, b * h);
        denseBackward(p, VaeLayout.E1, x, dH1, b, grad, null, 0);
        return loss;
    }

    private void tell(GradientReady ready, int layer, double loss) {
        if (ready != null) {
            ready.ready(layout.weight[layer], loss);
        }
    }
}
