package org.sparkvi.sampling;

/**
 * One Monte Carlo sample of three estimators of the ELBO's gradient in φ = (μ, ω), q = N(μ, diag e^{2ω}), from
 * ε ~ N(0, I) and z = μ + σ ⊙ ε (σ = e^ω), with f(z) = log p(x, z) − log q(z; φ):
 * <ul>
 * <li>score function (REINFORCE): f(z) ∇_φ log q(z; φ): ∂/∂μ_j = f ε_j/σ_j, ∂/∂ω_j = f (ε_j² − 1);</li>
 * <li>reparameterisation, total derivative of f(z(φ); φ): ∂/∂μ_j = ∂_j log p, ∂/∂ω_j = ∂_j log p σ_j ε_j + 1
 * (log q(z(φ); φ) = −Σ(ε_j²/2 + ω_j + ½ log 2π), so its total derivative is 0 in μ and −1 in ω);</li>
 * <li>sticking the landing (Roeder et al. 2017): the path derivative alone, the score term ∂_φ log q|_z dropped:
 * ∂/∂μ_j = ∂_j log p + ε_j/σ_j, ∂/∂ω_j = (∂_j log p + ε_j/σ_j) σ_j ε_j.</li>
 * </ul>
 * The dropped score term, ∂_φ log q(z; φ) at fixed z (ε_j/σ_j in μ, ε_j² − 1 in ω), has mean zero under q.
 */
public final class GradientEstimators {
    public static final String[] NAMES = {"score_function", "reparameterization", "sticking_the_landing", "score_term"};

    private GradientEstimators() {
    }

    /** Fills out[e][p] for e in NAMES order (the last is the score term), p over μ then ω. */
    public static void sample(ConjugateGaussianTarget t, double[] mu, double[] omega, double[] eps, double[] z,
                              double[] grad, double[][] out) {
        int d = t.dim();
        double logQ = 0;
        for (int j = 0; j < d; j++) {
            double s = Math.exp(omega[j]);
            z[j] = mu[j] + s * eps[j];
            logQ += -0.5 * eps[j] * eps[j] - omega[j] - 0.5 * Math.log(2 * Math.PI);
        }
        double f = t.logJoint(z) - logQ;
        t.gradLogJoint(z, grad);
        for (int j = 0; j < d; j++) {
            double s = Math.exp(omega[j]);
            double e = eps[j];
            out[0][j] = f * e / s;
            out[0][d + j] = f * (e * e - 1);
            out[1][j] = grad[j];
            out[1][d + j] = grad[j] * s * e + 1;
            out[2][j] = grad[j] + e / s;
            out[2][d + j] = (grad[j] + e / s) * s * e;
            out[3][j] = e / s;
            out[3][d + j] = e * e - 1;
        }
    }
}
