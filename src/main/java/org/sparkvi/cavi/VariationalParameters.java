package org.sparkvi.cavi;

import java.io.Serializable;
import org.apache.commons.math3.special.Gamma;

/**
 * The global factors of the mean-field posterior: q(μ_k) = N(m_k, ρ*_k⁻¹ I), q(λ_k) = Gamma(a_k shape, b_k rate),
 * and, with a Dirichlet prior, q(π) = Dir(γ). Immutable.
 */
public final class VariationalParameters implements Serializable {
    private static final long serialVersionUID = 1L;

    final int k;
    final int d;
    final double[] mean;
    final double[] rhoStar;
    final double[] shape;
    final double[] rate;
    final double[] dirichlet;

    public VariationalParameters(int k, int d, double[] mean, double[] rhoStar, double[] shape, double[] rate, double[] dirichlet) {
        if (mean.length != k * d || rhoStar.length != k || shape.length != k || rate.length != k
                || (dirichlet != null && dirichlet.length != k)) {
            throw new IllegalArgumentException("variational parameters have inconsistent sizes");
        }
        this.k = k;
        this.d = d;
        this.mean = mean.clone();
        this.rhoStar = rhoStar.clone();
        this.shape = shape.clone();
        this.rate = rate.clone();
        this.dirichlet = dirichlet == null ? null : dirichlet.clone();
    }

    /**
     * The starting point of a fit: q(μ_k) centred on seed k as if each cluster held N/K events,
     * q(λ_k) as if each held N/K events of the mean strength, q(π) = Dir(c + N/K).
     */
    public static VariationalParameters initial(Hyperparameters h, double[] centers, double totalWeight, double meanStrength) {
        int k = h.k();
        int d = h.d();
        double nk = totalWeight / k;
        double[] rhoStar = new double[k];
        double[] shape = new double[k];
        double[] rate = new double[k];
        double[] dir = h.piPrior() == PiPrior.DIRICHLET ? new double[k] : null;
        for (int c = 0; c < k; c++) {
            rhoStar[c] = h.rho() + h.tau() * nk;
            shape[c] = h.alpha() + meanStrength * nk;
            rate[c] = h.beta() + nk;
            if (dir != null) {
                dir[c] = h.piConcentration() + nk;
            }
        }
        return new VariationalParameters(k, d, centers, rhoStar, shape, rate, dir);
    }

    public int k() {
        return k;
    }

    public int d() {
        return d;
    }

    public double[] mean(int c) {
        double[] m = new double[d];
        System.arraycopy(mean, c * d, m, 0, d);
        return m;
    }

    public double rhoStar(int c) {
        return rhoStar[c];
    }

    public double shape(int c) {
        return shape[c];
    }

    public double rate(int c) {
        return rate[c];
    }

    /** γ of q(π) = Dir(γ), or null when π is fixed. */
    public double[] dirichlet() {
        return dirichlet == null ? null : dirichlet.clone();
    }

    /** E_q[log λ_k] = ψ(a_k) − log b_k. */
    public double expectedLogLambda(int c) {
        return Gamma.digamma(shape[c]) - Math.log(rate[c]);
    }

    /** E_q[λ_k] = a_k / b_k. */
    public double expectedLambda(int c) {
        return shape[c] / rate[c];
    }

    /** E[log π_k]: log π_k when fixed; ψ(γ_k) − ψ(Σγ) under q(π) = Dir(γ). */
    public double[] expectedLogPi(Hyperparameters h) {
        double[] out = new double[k];
        if (dirichlet == null) {
            for (int c = 0; c < k; c++) {
                out[c] = Math.log(h.pi(c));
            }
        } else {
            double sum = 0;
            for (double g : dirichlet) {
                sum += g;
            }
            double psiSum = Gamma.digamma(sum);
            for (int c = 0; c < k; c++) {
                out[c] = Gamma.digamma(dirichlet[c]) - psiSum;
            }
        }
        return out;
    }

    /** The posterior mixing weight E_q[π_k] (π_k itself when fixed). */
    public double[] expectedPi(Hyperparameters h) {
        if (dirichlet == null) {
            return h.pi();
        }
        double sum = 0;
        for (double g : dirichlet) {
            sum += g;
        }
        double[] out = new double[k];
        for (int c = 0; c < k; c++) {
            out[c] = dirichlet[c] / sum;
        }
        return out;
    }
}
