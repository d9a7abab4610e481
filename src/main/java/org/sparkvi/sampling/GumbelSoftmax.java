package org.sparkvi.sampling;

/**
 * Categorical draws through Gumbel noise G_k = −log(−log U_k): Gumbel-max, argmax_k(log π_k + G_k), is an exact
 * draw from Cat(π); Gumbel-softmax, y = softmax((log π + G)/τ), is its continuous relaxation (Jang et al. 2017,
 * Maddison et al. 2017), whose argmax is the Gumbel-max draw with the same noise.
 */
public final class GumbelSoftmax {
    private GumbelSoftmax() {
    }

    /** G = −log(−log u) for u in (0, 1). */
    public static double gumbel(double u) {
        return -Math.log(-Math.log(u));
    }

    /** argmax_k(logits_k + g_k), ties to the lower index. */
    public static int argmax(double[] logits, double[] g) {
        int best = 0;
        double bestValue = logits[0] + g[0];
        for (int k = 1; k < logits.length; k++) {
            double v = logits[k] + g[k];
            if (v > bestValue) {
                bestValue = v;
                best = k;
            }
        }
        return best;
    }

    /** y = softmax((logits + g)/τ), written into y, computed with the maximum subtracted. */
    public static void relaxed(double[] logits, double[] g, double tau, double[] y) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < logits.length; k++) {
            y[k] = (logits[k] + g[k]) / tau;
            max = Math.max(max, y[k]);
        }
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            y[k] = Math.exp(y[k] - max);
            sum += y[k];
        }
        for (int k = 0; k < logits.length; k++) {
            y[k] /= sum;
        }
    }

    /** ∂y_i/∂logit_j = (1/τ) y_i (δ_ij − y_j), the Jacobian of the relaxed sample with respect to log π. */
    public static double[][] jacobian(double[] y, double tau) {
        int k = y.length;
        double[][] j = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                j[a][b] = y[a] * ((a == b ? 1 : 0) - y[b]) / tau;
            }
        }
        return j;
    }
}
