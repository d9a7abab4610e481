package org.sparkvi.cavi;

/**
 * The M-step of CAVI: the optimal global factors given the responsibilities summarised in the statistics.
 * <pre>
 * ρ*_k = ρ + τ N_k,   m_k = (ρ ν + τ SX_k) / ρ*_k,
 * a_k = α + SS_k,     b_k = β + N_k,
 * γ_k = c + N_k       (Dirichlet prior on π only).
 * </pre>
 */
public final class GlobalUpdate {
    private GlobalUpdate() {
    }

    public static VariationalParameters apply(Hyperparameters h, SufficientStatistics s) {
        int k = s.k;
        int d = s.d;
        double[] mean = new double[k * d];
        double[] rhoStar = new double[k];
        double[] shape = new double[k];
        double[] rate = new double[k];
        double[] dir = h.piPrior() == PiPrior.DIRICHLET ? new double[k] : null;
        for (int c = 0; c < k; c++) {
            double n = s.nk[c];
            rhoStar[c] = h.rho() + h.tau() * n;
            for (int j = 0; j < d; j++) {
                mean[c * d + j] = (h.rho() * h.nu(j) + h.tau() * s.sx[c * d + j]) / rhoStar[c];
            }
            shape[c] = h.alpha() + s.ss[c];
            rate[c] = h.beta() + n;
            if (dir != null) {
                dir[c] = h.piConcentration() + n;
            }
        }
        return new VariationalParameters(k, d, mean, rhoStar, shape, rate, dir);
    }
}
