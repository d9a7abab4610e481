package org.sparkvi.cavi;

import java.io.Serializable;

/**
 * The E-step for one event, with the per-cluster constants computed once per iteration:
 * <pre>
 * log ρ̃_nk = E[log π_k] + (D/2) log(τ/2π) − (τ/2)(‖x_n − m_k‖² + D/ρ*_k) + S_n(ψ(a_k) − log b_k) − a_k/b_k + base_n
 *          = c_k − (τ/2)‖x_n − m_k‖² + S_n e_k + base_n,
 * log r_nk = log ρ̃_nk − logsumexp_j log ρ̃_nj.
 * </pre>
 * Σ_k r_nk (log ρ̃_nk − log r_nk) = logsumexp_k log ρ̃_nk, so the returned log-sum-exp is event n's whole
 * contribution to the ELBO (expected log joint plus the entropy of q(Z_n)).
 */
public final class ResponsibilityKernel implements Serializable {
    private static final long serialVersionUID = 1L;

    final int k;
    final int d;
    final double halfTau;
    final double[] mean;
    /** c_k = E[log π_k] + (D/2) log(τ/2π) − τD/(2ρ*_k) − a_k/b_k. */
    final double[] constant;
    /** e_k = E[log λ_k] = ψ(a_k) − log b_k. */
    final double[] logLambda;

    public ResponsibilityKernel(Hyperparameters h, VariationalParameters q) {
        this.k = q.k;
        this.d = q.d;
        this.halfTau = 0.5 * h.tau();
        this.mean = q.mean.clone();
        this.constant = new double[k];
        this.logLambda = new double[k];
        double[] eLogPi = q.expectedLogPi(h);
        double normal = 0.5 * d * Math.log(h.tau() / (2 * Math.PI));
        for (int c = 0; c < k; c++) {
            constant[c] = eLogPi[c] + normal - halfTau * d / q.rhoStar[c] - q.expectedLambda(c);
            logLambda[c] = q.expectedLogLambda(c);
        }
    }

    public int k() {
        return k;
    }

    /** Fills l[0..K) with c_k − (τ/2)‖x_n − m_k‖² + S_n e_k for event n (log ρ̃_nk without base_n); returns their maximum. */
    double logJoint(EventBlock b, int n, double[] l) {
        double s = b.strength[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double dist = 0;
            int mo = c * d;
            for (int j = 0; j < d; j++) {
                double diff = b.x[j * b.size + n] - mean[mo + j];
                dist += diff * diff;
            }
            double lc = constant[c] - halfTau * dist + s * logLambda[c];
            l[c] = lc;
            max = Math.max(max, lc);
        }
        return max;
    }

    /**
     * Fills {@code logR[0..K)} with log r_nk for event n of the block and returns logsumexp_k log ρ̃_nk.
     */
    public double logResponsibilities(EventBlock b, int n, double[] logR) {
        double max = logJoint(b, n, logR);
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(logR[c] - max);
        }
        double lse = max + Math.log(sum);
        for (int c = 0; c < k; c++) {
            logR[c] -= lse;
        }
        return lse + b.logBase[n];
    }

    /** The responsibilities r_n· of event n of a block. */
    public double[] responsibilities(EventBlock block, int n) {
        return responsibilities(block, n, new double[k]);
    }

    /** The responsibilities r_n· of event n of a block, into {@code r} (length K), which is returned. */
    public double[] responsibilities(EventBlock block, int n, double[] r) {
        logResponsibilities(block, n, r);
        for (int c = 0; c < k; c++) {
            r[c] = Math.exp(r[c]);
        }
        return r;
    }
}
