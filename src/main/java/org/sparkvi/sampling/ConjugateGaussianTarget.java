package org.sparkvi.sampling;

import org.sparkvi.random.CounterRandom;

import java.io.Serializable;

/**
 * A target whose posterior is known in closed form: z ~ N(μ₀, s₀² I_D), x_i | z ~ N(z, σ² I_D), i = 1..n.
 * The posterior is N(μ*, P⁻¹ I) with precision P = 1/s₀² + n/σ² and μ* = (μ₀/s₀² + Σx_i/σ²)/P; log p(x, z) is
 * quadratic in z with gradient −P(z − μ*). The variational family is q(z) = N(μ, diag(e^{2ω})).
 */
public final class ConjugateGaussianTarget implements Serializable {
    private static final long serialVersionUID = 1L;
    final int d;
    final int n;
    final double[] priorMean;
    final double priorSd;
    final double noiseSd;
    final double[] sumX;
    final double sumSquares; // Σ_i ‖x_i‖²

    public ConjugateGaussianTarget(double[] priorMean, double priorSd, double noiseSd, double[][] data) {
        this.d = priorMean.length;
        this.n = data.length;
        this.priorMean = priorMean.clone();
        this.priorSd = priorSd;
        this.noiseSd = noiseSd;
        this.sumX = new double[d];
        double ss = 0;
        for (double[] x : data) {
            for (int j = 0; j < d; j++) {
                sumX[j] += x[j];
                ss += x[j] * x[j];
            }
        }
        this.sumSquares = ss;
    }

    /** n points drawn from the model with z = trueZ, seeded. */
    public static ConjugateGaussianTarget sampled(int d, int n, double priorSd, double noiseSd, long seed) {
        double[] z = new double[d];
        for (int j = 0; j < d; j++) {
            z[j] = priorSd * CounterRandom.normal(seed, 0, j);
        }
        double[][] data = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                data[i][j] = z[j] + noiseSd * CounterRandom.normal(seed, 2, (long) i * d + j);
            }
        }
        return new ConjugateGaussianTarget(new double[d], priorSd, noiseSd, data);
    }

    public int dim() {
        return d;
    }

    public double posteriorPrecision() {
        return 1 / (priorSd * priorSd) + n / (noiseSd * noiseSd);
    }

    public double[] posteriorMean() {
        double p = posteriorPrecision();
        double[] m = new double[d];
        for (int j = 0; j < d; j++) {
            m[j] = (priorMean[j] / (priorSd * priorSd) + sumX[j] / (noiseSd * noiseSd)) / p;
        }
        return m;
    }

    /** ∇_z log p(x, z) = −P(z − μ*), written into g. */
    public void gradLogJoint(double[] z, double[] g) {
        double p = posteriorPrecision();
        double[] m = posteriorMean();
        for (int j = 0; j < d; j++) {
            g[j] = -p * (z[j] - m[j]);
        }
    }

    /** log p(x, z), every constant included. */
    public double logJoint(double[] z) {
        double s0 = priorSd * priorSd;
        double s = noiseSd * noiseSd;
        double prior = -0.5 * d * Math.log(2 * Math.PI * s0);
        double lik = -0.5 * n * d * Math.log(2 * Math.PI * s);
        double zz = 0;
        double zx = 0;
        for (int j = 0; j < d; j++) {
            prior -= 0.5 * (z[j] - priorMean[j]) * (z[j] - priorMean[j]) / s0;
            zz += z[j] * z[j];
            zx += z[j] * sumX[j];
        }
        lik -= 0.5 * (sumSquares - 2 * zx + n * zz) / s;
        return prior + lik;
    }

    /** The ELBO of q = N(μ, diag e^{2ω}) in closed form: E_q log p(x, z) + H[q]. */
    public double elbo(double[] mu, double[] omega) {
        double e = logJoint(mu);
        double p = posteriorPrecision();
        for (int j = 0; j < d; j++) {
            double var = Math.exp(2 * omega[j]);
            e += -0.5 * p * var + 0.5 * Math.log(2 * Math.PI * Math.E) + omega[j];
        }
        return e;
    }

    /** The exact ELBO gradient: ∂/∂μ = −P(μ − μ*), ∂/∂ω_j = 1 − P e^{2ω_j}; first D entries μ, then ω. */
    public double[] elboGradient(double[] mu, double[] omega) {
        double p = posteriorPrecision();
        double[] m = posteriorMean();
        double[] g = new double[2 * d];
        for (int j = 0; j < d; j++) {
            g[j] = -p * (mu[j] - m[j]);
            g[d + j] = 1 - p * Math.exp(2 * omega[j]);
        }
        return g;
    }
}
