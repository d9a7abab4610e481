package org.sparkvi.vae;

import java.io.Serializable;

/**
 * Adam (Kingma & Ba 2015) as torch.optim.Adam computes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * θ ← θ − (lr/(1−β₁ᵗ)) m / (√v/√(1−β₂ᵗ) + ε).
 */
public final class Adam implements Serializable {
    private static final long serialVersionUID = 1L;
    final double lr;
    final double beta1;
    final double beta2;
    final double eps;
    final double[] m;
    final double[] v;
    long step;

    public Adam(int size, double lr, double beta1, double beta2, double eps) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** Continues from saved moments and step (a checkpoint). */
    public static Adam restore(VaeConfig c, double[] m, double[] v, long step) {
        Adam a = new Adam(m.length, c.learningRate(), c.beta1(), c.beta2(), c.adamEps());
        System.arraycopy(m, 0, a.m, 0, m.length);
        System.arraycopy(v, 0, a.v, 0, v.length);
        a.step = step;
        return a;
    }

    /** {@link #apply} on other arrays of parameters and moments (this optimiser's hyperparameters; its own state untouched). */
    public void applyTo(double[] theta, double[] mm, double[] vv, double[] g, int from, int to, long t) {
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / c1;
        for (int i = from; i < to; i++) {
            double gi = g[i];
            mm[i] = beta1 * mm[i] + (1 - beta1) * gi;
            vv[i] = beta2 * vv[i] + (1 - beta2) * gi * gi;
            theta[i] -= stepSize * mm[i] / (Math.sqrt(vv[i]) / c2 + eps);
        }
    }

    /**
     * {@link #applyTo} in float32 arithmetic, as torch.optim.Adam updates float32 tensors: the moments and θ are
     * float32, every operation rounds to float32; the bias corrections are computed in double and rounded once.
     */
    public void applyTo(float[] theta, float[] mm, float[] vv, float[] g, int from, int to, long t) {
        applyTo(theta, mm, vv, new float[][] {g}, from, to, t);
    }

    /**
     * The same with the gradient the sum of several, (0 + g₀) + g₁ + … in that order (formed as g₀ + g₁ + …, then 0 +
     * that, which gives the same floats: they differ at most in the sign of an intermediate zero, which the final 0 +
     * makes +0 either way). With one or two gradients and the Vector API present, the sum and the update are one pass
     * over SIMD lanes ({@link FloatLanes#adam}, the same floats), which reads θ, m, v and the gradients once and
     * writes θ, m, v: 0.22 ms for half the parameters and two gradients, against 0.31 for the scalar form. That form
     * (without the module, or three or more gradients) sums in a pass of its own into g[0], overwriting it on
     * [from, to), since C2 does not vectorise a scalar loop reading five arrays at once (3.2 ms instead of 0.35).
     */
    public void applyTo(float[] theta, float[] mm, float[] vv, float[][] g, int from, int to, long t) {
        applyTo(theta, mm, vv, g, new int[g.length], from, to, t);
    }

    /**
     * The same with gradient q's entry i at {@code g[q][i - offsets[q]]} (an all-reduce keeps the other ranks'
     * contributions to a slice in arrays of the slice's length).
     */
    public void applyTo(float[] theta, float[] mm, float[] vv, float[][] g, int[] offsets, int from, int to, long t) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float a1 = (float) (1 - beta1);
        float a2 = (float) (1 - beta2);
        float e = (float) eps;
        float c2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float[] g0 = g[0];
        int o0 = offsets[0];
        int start = from;
        if (FloatLanes.AVAILABLE && g.length <= 2) {
            // until the JIT has compiled the lane loop (uncompiled, the Vector API allocates per operation: 9 ms for
            // half the parameters), it takes the first WARM_UP entries only and the scalar loops the rest
            int end = lanesCalls++ < WARM_UP_CALLS ? Math.min(to, from + WARM_UP) : to;
            start = FloatLanes.adam(theta, mm, vv, g0, o0, g.length == 2 ? g[1] : null, g.length == 2 ? offsets[1] : 0,
                    from, end, b1, a1, b2, a2, c2, stepSize, e);
        }
        for (int q = 1; q < g.length; q++) {
            float[] gq = g[q];
            int oq = offsets[q];
            for (int i = start; i < to; i++) {
                g0[i - o0] += gq[i - oq];
            }
        }
        for (int i = start; i < to; i++) {
            float gi = 0f + g0[i - o0];
            float m1 = b1 * mm[i] + a1 * gi;
            float v1 = b2 * vv[i] + a2 * gi * gi;
            mm[i] = m1;
            vv[i] = v1;
            theta[i] -= stepSize * m1 / ((float) Math.sqrt(v1) / c2 + e);
        }
    }

    /** Calls of the lane loop in this JVM (racy: a count for the warm-up only), and the warm-up's length and share. */
    private static int lanesCalls;
    private static final int WARM_UP_CALLS = 300;
    private static final int WARM_UP = 8192;

    /** Continues after {@code steps} steps applied slice by slice elsewhere (the moments copied in). */
    public void advance(double[] newM, double[] newV, long steps) {
        System.arraycopy(newM, 0, m, 0, m.length);
        System.arraycopy(newV, 0, v, 0, v.length);
        step += steps;
    }

    /** Continues after {@code steps} steps applied elsewhere to this optimiser's own moments. */
    void advance(long steps) {
        step += steps;
    }

    public double[] firstMoment() {
        return m.clone();
    }

    public double[] secondMoment() {
        return v.clone();
    }

    public void update(double[] theta, double[] g) {
        step++;
        apply(theta, g, 0, theta.length, step);
    }

    /** The update of step t on entries [from, to): what {@link #update} does, for one slice (step not advanced). */
    public void apply(double[] theta, double[] g, int from, int to, long t) {
        applyTo(theta, m, v, g, from, to, t);
    }

    public long step() {
        return step;
    }
}
