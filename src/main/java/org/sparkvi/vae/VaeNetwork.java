package org.sparkvi.vae;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The VAE's loss and its gradient over a whole minibatch, as matrix products through the BLAS Spark ships
 * (native OpenBLAS when present). Row-major B × features activations; y = x Wᵀ + b is one dgemm.
 * <pre>
 * encoder  h1 = lrelu(x W1ᵀ + b1), h2 = lrelu(h1 W2ᵀ + b2), μ = h2 W3ᵀ + b3, v = h2 W4ᵀ + b4 (log σ²)
 * sample   z = μ + σ ⊙ ε, σ = exp(v/2), ε ~ N(0, I)
 * decoder  g1 = lrelu(z W5ᵀ + b5), g2 = lrelu(g1 W6ᵀ + b6), ℓ = g2 W7ᵀ + b7, x̂ = sigmoid(ℓ)
 * loss     Σ_batch [ Σ_pixels BCE(x, x̂) + KL(N(μ, σ²) ‖ N(0, I)) ],
 *          BCE = softplus(ℓ) − x ℓ,  KL = −½ Σ_j (1 + v_j − μ_j² − e^{v_j})
 * </pre>
 * With the sticking-the-landing estimator the KL is replaced by its one-sample estimate log q(z|x) − log p(z), whose
 * gradient flows only through z (the score term ∂ log q/∂φ at fixed z is dropped). Not thread-safe: one per task.
 */
public final class VaeNetwork {
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();
    final VaeConfig config;
    final VaeLayout layout;
    private int capacity;
    double[] a1;
    double[] h1;
    double[] a2;
    double[] h2;
    double[] mu;
    double[] logvar;
    double[] z;
    double[] c1;
    double[] g1;
    double[] c2;
    double[] g2;
    double[] logits;
    private double[] dLogits;
    private double[] dG2;
    private double[] dG1;
    private double[] dZ;
    private double[] dMu;
    private double[] dLogvar;
    private double[] dH2;
    private double[] dH1;

    public VaeNetwork(VaeConfig config) {
        this.config = config;
        this.layout = new VaeLayout(config);
    }

    /** The BLAS implementation in use (JNIBLAS = native, VectorBLAS, Java11BLAS). */
    public static String blasName() {
        return BLAS_INSTANCE.getClass().getSimpleName();
    }

    private void ensure(int b) {
        if (b <= capacity) {
            return;
        }
        int in = config.input();
        int h = config.hidden();
        int l = config.latent();
        a1 = new double[b * h];
        h1 = new double[b * h];
        a2 = new double[b * h];
        h2 = new double[b * h];
        mu = new double[b * l];
        logvar = new double[b * l];
        z = new double[b * l];
        c1 = new double[b * h];
        g1 = new double[b * h];
        c2 = new double[b * h];
        g2 = new double[b * h];
        logits = new double[b * in];
        dLogits = new double[b * in];
        dG2 = new double[b * h];
        dG1 = new double[b * h];
        dZ = new double[b * l];
        dMu = new double[b * l];
        dLogvar = new double[b * l];
        dH2 = new double[b * h];
        dH1 = new double[b * h];
        capacity = b;
    }

    /** y (B×out) = x (B×in) Wᵀ + b for layer l. */
    void dense(double[] p, int l, double[] x, int b, double[] y) {
        int in = layout.in[l];
        int out = layout.out[l];
        BLAS_INSTANCE.dgemm("T", "N", out, b, in, 1.0, p, layout.weight[l], in, x, 0, in, 0.0, y, 0, out);
        int bo = layout.bias[l];
        for (int r = 0; r < b; r++) {
            int o = r * out;
            for (int j = 0; j < out; j++) {
                y[o + j] += p[bo + j];
            }
        }
    }

    /** Accumulates dW += dyᵀ x and db += Σ dy into grad; writes dx = dy W when dx is not null. */
    void denseBackward(double[] p, int l, double[] x, double[] dy, int b, double[] grad, double[] dx, double dxBeta) {
        int in = layout.in[l];
        int out = layout.out[l];
        BLAS_INSTANCE.dgemm("N", "T", in, out, b, 1.0, x, 0, in, dy, 0, out, 1.0, grad, layout.weight[l], in);
        int bo = layout.bias[l];
        for (int r = 0; r < b; r++) {
            int o = r * out;
            for (int j = 0; j < out; j++) {
                grad[bo + j] += dy[o + j];
            }
        }
        if (dx != null) {
            BLAS_INSTANCE.dgemm("N", "N", in, b, out, 1.0, p, layout.weight[l], in, dy, 0, out, dxBeta, dx, 0, in);
        }
    }

    private void leaky(double[] pre, double[] post, int n) {
        double s = config.leak();
        for (int i = 0; i < n; i++) {
            double v = pre[i];
            post[i] = v > 0 ? v : s * v;
        }
    }

    private void leakyBackward(double[] pre, double[] d, int n) {
        double s = config.leak();
        for (int i = 0; i < n; i++) {
            if (pre[i] <= 0) {
                d[i] *= s;
            }
        }
    }

    /** The encoder: fills μ and log σ² for a batch. */
    public void encode(double[] p, double[] x, int b) {
        ensure(b);
        int h = config.hidden();
        dense(p, VaeLayout.E1, x, b, a1);
        leaky(a1, h1, b * h);
        dense(p, VaeLayout.E2, h1, b, a2);
        leaky(a2, h2, b * h);
        dense(p, VaeLayout.MU, h2, b, mu);
        dense(p, VaeLayout.LOGVAR, h2, b, logvar);
    }

    /** The decoder from z (B×latent): fills the logits ℓ. */
    public void decode(double[] p, double[] zIn, int b) {
        ensure(b);
        int h = config.hidden();
        dense(p, VaeLayout.D1, zIn, b, c1);
        leaky(c1, g1, b * h);
        dense(p, VaeLayout.D2, g1, b, c2);
        leaky(c2, g2, b * h);
        dense(p, VaeLayout.OUT, g2, b, logits);
    }

    /** Σ over the batch of BCE(x, sigmoid(ℓ)) = softplus(ℓ) − x ℓ, from the current logits. */
    double reconstructionLoss(double[] x, int b) {
        return reconstructionLoss(x, 0, b * config.input());
    }

    /** The same sum over the flat range [from, to) of pixels (one image's: row r·input to (r+1)·input). */
    double reconstructionLoss(double[] x, int from, int to) {
        return reconstructionLoss(logits, x, from, to);
    }

    /** Σ softplus(ℓ) − x ℓ over [from, to), softplus(ℓ) = max(ℓ, 0) + log(1 + e^{−|ℓ|}) (finite for any finite ℓ). */
    static double reconstructionLoss(double[] logits, double[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double l = logits[i];
            sum += Math.max(l, 0) + Math.log(1 + Math.exp(-Math.abs(l))) - x[i] * l;
        }
        return sum;
    }

    /**
     * The loss of a batch (x: B×input in [0, 1]; eps: B×latent standard normals), with its gradient added into
     * {@code grad} (the gradient of the sum over the batch, as PyTorch's reduction='sum' gives).
     */
    public double lossAndGradient(double[] p, double[] x, double[] eps, int b, double[] grad) {
        int in = config.input();
        int h = config.hidden();
        int lat = config.latent();
        boolean stl = config.estimator() == VaeConfig.Estimator.STL;
        encode(p, x, b);
        double kl = 0;
        for (int i = 0; i < b * lat; i++) {
            double s = Math.exp(0.5 * logvar[i]);
            z[i] = mu[i] + s * eps[i];
            if (stl) {
                kl += -0.5 * logvar[i] - 0.5 * eps[i] * eps[i] + 0.5 * z[i] * z[i]; // log q(z|x) − log p(z)
            } else {
                kl += -0.5 * (1 + logvar[i] - mu[i] * mu[i] - Math.exp(logvar[i]));
            }
        }
        decode(p, z, b);
        double loss = reconstructionLoss(x, b) + kl;
        for (int i = 0; i < b * in; i++) {
            dLogits[i] = 1 / (1 + Math.exp(-logits[i])) - x[i];
        }
        denseBackward(p, VaeLayout.OUT, g2, dLogits, b, grad, dG2, 0);
        leakyBackward(c2, dG2, b * h);
        denseBackward(p, VaeLayout.D2, g1, dG2, b, grad, dG1, 0);
        leakyBackward(c1, dG1, b * h);
        denseBackward(p, VaeLayout.D1, z, dG1, b, grad, dZ, 0);
        for (int i = 0; i < b * lat; i++) {
            double s = Math.exp(0.5 * logvar[i]);
            if (stl) {
                // path derivative of log q(z|x) − log p(z) through z only: −ε/σ + z
                double dz = dZ[i] - eps[i] / s + z[i];
                dMu[i] = dz;
                dLogvar[i] = dz * eps[i] * 0.5 * s;
            } else {
                dMu[i] = dZ[i] + mu[i];
                dLogvar[i] = dZ[i] * eps[i] * 0.5 * s + 0.5 * (Math.exp(logvar[i]) - 1);
            }
        }
        denseBackward(p, VaeLayout.MU, h2, dMu, b, grad, dH2, 0);
        denseBackward(p, VaeLayout.LOGVAR, h2, dLogvar, b, grad, dH2, 1);
        leakyBackward(a2, dH2, b * h);
        denseBackward(p, VaeLayout.E2, h1, dH2, b, grad, dH1, 0);
        leakyBackward(a1, dH1, b * h);
        denseBackward(p, VaeLayout.E1, x, dH1, b, grad, null, 0);
        return loss;
    }

    /** KL(q(z|x) ‖ N(0, I)) = Σ −½(1 + log σ² − μ² − σ²) over the flat range [from, to) of μ, log σ². */
    static double analyticKl(double[] mu, double[] logvar, int from, int to) {
        double kl = 0;
        for (int i = from; i < to; i++) {
            kl += -0.5 * (1 + logvar[i] - mu[i] * mu[i] - Math.exp(logvar[i]));
        }
        return kl;
    }
}
