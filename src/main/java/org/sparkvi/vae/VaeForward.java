package org.sparkvi.vae;

/**
 * The forward passes evaluation and sampling need, in the configuration's precision, its parameters fixed: a double
 * network as it is, a float network with its parameters rounded once and its outputs (μ, log σ², ℓ) widened to double.
 * The −ELBO is summed in double from those outputs, by the formulas of {@link VaeNetwork}.
 */
public abstract class VaeForward {
    final VaeConfig config;

    VaeForward(VaeConfig config) {
        this.config = config;
    }

    public static VaeForward of(VaeConfig c, double[] params) {
        return c.inFloat() ? new FloatForward(c, params) : new DoubleForward(c, params);
    }

    /** Fills {@link #mu()} and {@link #logvar()} for a batch x (B × input). */
    public abstract void encode(double[] x, int b);

    /** Fills {@link #logits()} from z (B × latent). */
    public abstract void decode(double[] z, int b);

    public abstract double[] mu();

    public abstract double[] logvar();

    public abstract double[] logits();

    /** −ELBO of a batch with the analytic KL and one z = μ + σ ⊙ ε per image. */
    public double loss(double[] x, double[] eps, int b) {
        int lat = config.latent();
        encode(x, b);
        double[] z = new double[b * lat];
        double[] mu = mu();
        double[] lv = logvar();
        for (int i = 0; i < b * lat; i++) {
            z[i] = mu[i] + Math.exp(0.5 * lv[i]) * eps[i];
        }
        double kl = analyticKl(0, b * lat);
        decode(z, b);
        return reconstructionLoss(x, 0, b * config.input()) + kl;
    }

    /** Σ BCE over the flat range [from, to) of the current logits. */
    public double reconstructionLoss(double[] x, int from, int to) {
        return VaeNetwork.reconstructionLoss(logits(), x, from, to);
    }

    /** The analytic KL over the flat range [from, to) of the current μ, log σ². */
    public double analyticKl(int from, int to) {
        return VaeNetwork.analyticKl(mu(), logvar(), from, to);
    }

    static final class DoubleForward extends VaeForward {
        private final VaeNetwork net;
        private final double[] params;

        DoubleForward(VaeConfig c, double[] params) {
            super(c);
            this.net = new VaeNetwork(c);
            this.params = params;
        }

        @Override
        public void encode(double[] x, int b) {
            net.encode(params, x, b);
        }

        @Override
        public void decode(double[] z, int b) {
            net.decode(params, z, b);
        }

        @Override
        public double[] mu() {
            return net.mu;
        }

        @Override
        public double[] logvar() {
            return net.logvar;
        }

        @Override
        public double[] logits() {
            return net.logits;
        }
    }

    static final class FloatForward extends VaeForward {
        private final FloatVaeNetwork net;
        private final float[] params;
        private float[] in = new float[0];
        private double[] mu = new double[0];
        private double[] logvar = new double[0];
        private double[] logits = new double[0];

        FloatForward(VaeConfig c, double[] params) {
            super(c);
            this.net = new FloatVaeNetwork(c);
            this.params = Floats.narrow(params);
        }

        private float[] input(double[] a, int n) {
            if (in.length < n) {
                in = new float[n];
            }
            Floats.narrow(a, in, n);
            return in;
        }

        @Override
        public void encode(double[] x, int b) {
            int n = b * config.latent();
            net.encode(params, input(x, b * config.input()), b);
            if (mu.length < n) {
                mu = new double[n];
                logvar = new double[n];
            }
            Floats.widen(net.mu, mu, n);
            Floats.widen(net.logvar, logvar, n);
        }

        @Override
        public void decode(double[] z, int b) {
            int n = b * config.input();
            net.decode(params, input(z, b * config.latent()), b);
            if (logits.length < n) {
                logits = new double[n];
            }
            Floats.widen(net.logits, logits, n);
        }

        @Override
        public double[] mu() {
            return mu;
        }

        @Override
        public double[] logvar() {
            return logvar;
        }

        @Override
        public double[] logits() {
            return logits;
        }
    }
}
