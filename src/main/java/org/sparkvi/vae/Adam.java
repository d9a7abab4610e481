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

    public double[] firstMoment() {
        return m.clone();
    }

    public double[] secondMoment() {
        return v.clone();
    }

    public void update(double[] theta, double[] g) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = lr / c1;
        for (int i = 0; i < theta.length; i++) {
            double gi = g[i];
            m[i] = beta1 * m[i] + (1 - beta1) * gi;
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            theta[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / c2 + eps);
        }
    }

    public long step() {
        return step;
    }
}
