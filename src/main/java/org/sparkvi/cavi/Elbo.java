package org.sparkvi.cavi;

import org.apache.commons.math3.special.Gamma;

/**
 * The evidence lower bound, every constant included:
 * <pre>
 * ELBO = Σ_n w_n Σ_k r_nk [E log π_k + (D/2)log(τ/2π) − (τ/2)(‖x_n − m_k‖² + D/ρ*_k) + S_n E log λ_k − E λ_k − log S_n! − log|J_n|]
 *      − Σ_n w_n Σ_k r_nk log r_nk
 *      + Σ_k [ (D/2)log(ρ/2π) − (ρ/2)(‖m_k − ν‖² + D/ρ*_k) ]                 E log p(μ_k)
 *      + Σ_k [ (D/2)(1 + log 2π) − (D/2) log ρ*_k ]                            H[q(μ_k)]
 *      + Σ_k [ α log β − log Γ(α) + (α−1) E log λ_k − β E λ_k ]               E log p(λ_k)
 *      + Σ_k [ a_k − log b_k + log Γ(a_k) + (1 − a_k) ψ(a_k) ]                 H[q(λ_k)]
 *      + log Γ(Kc) − K log Γ(c) + (c−1) Σ E log π_k − log Γ(Σγ) + Σ log Γ(γ_k) − Σ (γ_k − 1) E log π_k
 *                                                                          (Dirichlet prior only)
 * </pre>
 * with E log λ = ψ(a) − log b, E λ = a/b.
 */
public final class Elbo {
    private Elbo() {
    }

    /** The ELBO at the responsibilities of a pass and the parameters the pass used: Σ w logsumexp + global terms. */
    public static double afterResponsibilities(Hyperparameters h, VariationalParameters q, SufficientStatistics s) {
        return s.weightedLogSumExp + globalTerms(h, q);
    }

    /** The ELBO at the responsibilities summarised in {@code s} and any parameters {@code q} (after an update, say). */
    public static double atParameters(Hyperparameters h, VariationalParameters q, SufficientStatistics s) {
        return dataTerms(h, q, s) + globalTerms(h, q);
    }

    /**
     * A bound on the round-off of {@link #atParameters}: its quadratic term is a difference of large sums,
     * (τ/2)(SXX − 2 m·SX + N‖m‖²), whose error scales with the size of the terms, not of the result.
     */
    public static double roundOff(Hyperparameters h, VariationalParameters q, SufficientStatistics s, double elbo) {
        double scale = Math.abs(elbo) + Math.abs(s.weightedLogSumExp) + Math.abs(s.weightedBase);
        for (int c = 0; c < s.k; c++) {
            double mm = 0;
            double mx = 0;
            for (int j = 0; j < s.d; j++) {
                double m = q.mean[c * s.d + j];
                mm += m * m;
                mx += Math.abs(m * s.sx[c * s.d + j]);
            }
            scale += 0.5 * h.tau() * (Math.abs(s.sxx[c]) + 2 * mx + s.nk[c] * mm);
        }
        return 1e-9 * (1 + scale);
    }

    static double dataTerms(Hyperparameters h, VariationalParameters q, SufficientStatistics s) {
        ResponsibilityKernel kern = new ResponsibilityKernel(h, q);
        int d = s.d;
        double total = s.weightedBase - s.weightedRLogR;
        for (int c = 0; c < s.k; c++) {
            double mm = 0;
            double mx = 0;
            for (int j = 0; j < d; j++) {
                double m = q.mean[c * d + j];
                mm += m * m;
                mx += m * s.sx[c * d + j];
            }
            double squared = s.sxx[c] - 2 * mx + s.nk[c] * mm; // Σ w r ‖x − m_k‖²
            total += s.nk[c] * kern.constant[c] - kern.halfTau * squared + s.ss[c] * kern.logLambda[c];
        }
        return total;
    }

    public static double globalTerms(Hyperparameters h, VariationalParameters q) {
        int k = q.k;
        int d = q.d;
        double total = 0;
        double logGammaAlpha = Gamma.logGamma(h.alpha());
        for (int c = 0; c < k; c++) {
            double dist = 0;
            for (int j = 0; j < d; j++) {
                double diff = q.mean[c * d + j] - h.nu(j);
                dist += diff * diff;
            }
            double rs = q.rhoStar[c];
            // E log p(μ_k) + H[q(μ_k)]; the log 2π terms cancel
            total += 0.5 * d * (Math.log(h.rho()) + 1 - Math.log(rs)) - 0.5 * h.rho() * (dist + d / rs);
            double a = q.shape[c];
            double b = q.rate[c];
            double eLog = Gamma.digamma(a) - Math.log(b);
            double e = a / b;
            total += h.alpha() * Math.log(h.beta()) - logGammaAlpha + (h.alpha() - 1) * eLog - h.beta() * e;
            total += a - Math.log(b) + Gamma.logGamma(a) + (1 - a) * Gamma.digamma(a);
        }
        if (q.dirichlet != null) {
            double conc = h.piConcentration();
            double[] eLogPi = q.expectedLogPi(h);
            double sum = 0;
            total += Gamma.logGamma(k * conc) - k * Gamma.logGamma(conc);
            for (int c = 0; c < k; c++) {
                double g = q.dirichlet[c];
                sum += g;
                total += (conc - 1) * eLogPi[c] + Gamma.logGamma(g) - (g - 1) * eLogPi[c];
            }
            total -= Gamma.logGamma(sum);
        }
        return total;
    }
}
