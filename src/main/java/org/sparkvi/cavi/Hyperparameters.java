package org.sparkvi.cavi;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The model's constants, validated: X_n | Z_n=k ~ N(μ_k, τ⁻¹I), μ_k ~ N(ν, ρ⁻¹I), S_n | Z_n=k ~ Poisson(λ_k),
 * λ_k ~ Gamma(α shape, β rate), Z_n ~ Cat(π) with π fixed, or π ~ Dir(c,…,c) when {@code piPrior} is DIRICHLET.
 * K = π.length, D = ν.length.
 */
public record Hyperparameters(double tau, double rho, double[] nu, double alpha, double beta, double[] pi,
                              PiPrior piPrior, double piConcentration) implements Serializable {

    public Hyperparameters {
        positive("tau", tau);
        positive("rho", rho);
        positive("alpha", alpha);
        positive("beta", beta);
        if (nu == null || nu.length == 0) {
            throw new IllegalArgumentException("nu must have one value per dimension");
        }
        for (double v : nu) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("nu must be finite, got " + Arrays.toString(nu));
            }
        }
        if (pi == null || pi.length == 0) {
            throw new IllegalArgumentException("pi must have one weight per cluster (K >= 1)");
        }
        double sum = 0;
        for (double p : pi) {
            if (!(p > 0) || !Double.isFinite(p)) {
                throw new IllegalArgumentException("pi must hold positive finite weights, got " + Arrays.toString(pi));
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("pi must sum to 1 (within 1e-9), got sum " + sum + " for " + Arrays.toString(pi));
        }
        if (piPrior == null) {
            throw new IllegalArgumentException("pi prior must be FIXED or DIRICHLET");
        }
        if (piPrior == PiPrior.DIRICHLET) {
            positive("pi concentration", piConcentration);
        }
        nu = nu.clone();
        pi = pi.clone();
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + v);
        }
    }

    public int k() {
        return pi.length;
    }

    public int d() {
        return nu.length;
    }

    @Override
    public double[] nu() {
        return nu.clone();
    }

    @Override
    public double[] pi() {
        return pi.clone();
    }

    double nu(int j) {
        return nu[j];
    }

    double pi(int k) {
        return pi[k];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hyperparameters h && tau == h.tau && rho == h.rho && Arrays.equals(nu, h.nu)
                && alpha == h.alpha && beta == h.beta && Arrays.equals(pi, h.pi) && piPrior == h.piPrior
                && Double.compare(piConcentration, h.piConcentration) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new double[] {tau, rho, alpha, beta, piConcentration}) * 31 + Arrays.hashCode(nu);
    }

    @Override
    public String toString() {
        return "Hyperparameters[tau=" + tau + ", rho=" + rho + ", nu=" + Arrays.toString(nu) + ", alpha=" + alpha
                + ", beta=" + beta + ", pi=" + Arrays.toString(pi) + ", piPrior=" + piPrior
                + (piPrior == PiPrior.DIRICHLET ? ", piConcentration=" + piConcentration : "") + "]";
    }
}
