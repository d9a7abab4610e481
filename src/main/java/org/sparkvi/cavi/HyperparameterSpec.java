package org.sparkvi.cavi;

import java.io.Serializable;

/**
 * The hyperparameters as the user gave them; a null field takes its data-scaled default in {@link #resolve}:
 * <ul>
 * <li>ν = the data's mean, ρ = 1/s² where s² is the data's variance per dimension: the prior on a centre is as wide
 * as the catalogue;</li>
 * <li>τ = K^{2/D}/s²: K clusters that tile the catalogue's extent each span about s/K^{1/D};</li>
 * <li>α = 1, β = α/S̄: an exponential prior on each rate, with the catalogue's mean strength S̄ as its mean;</li>
 * <li>π uniform; Dirichlet concentration c = 1 when the Dirichlet prior is chosen without one.</li>
 * </ul>
 */
public record HyperparameterSpec(Double tau, Double rho, double[] nu, Double alpha, Double beta, double[] pi,
                                 PiPrior piPrior, Double piConcentration) implements Serializable {

    /** tau, rho, alpha, beta, the Dirichlet concentration: positive and finite when given. */
    public static void checkPositive(String name, Double v) {
        if (v != null && (!(v > 0) || !Double.isFinite(v))) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + v);
        }
    }

    /** Fixed weights: positive and summing to 1 (to 1e-9), never normalised behind the user's back. */
    public static void checkPi(double[] pi) {
        new Hyperparameters(1, 1, new double[] {0}, 1, 1, pi, PiPrior.FIXED, 1);
    }

    public static HyperparameterSpec defaults() {
        return new HyperparameterSpec(null, null, null, null, null, null, PiPrior.FIXED, null);
    }

    public Hyperparameters resolve(DataMoments m, int k) {
        int d = m.d();
        double variance = m.meanVariance();
        if (!(variance > 0) && (tau == null || rho == null)) {
            throw new IllegalArgumentException("the locations have no spread (all events at one point): "
                    + "give --tau and --rho explicitly");
        }
        double[] nuValue = nu != null ? nu : m.mean();
        if (nuValue.length != d) {
            throw new IllegalArgumentException("nu has " + nuValue.length + " values but the coordinates have D = " + d);
        }
        double tauValue = tau != null ? tau : Math.pow(k, 2.0 / d) / variance;
        double rhoValue = rho != null ? rho : 1.0 / variance;
        double alphaValue = alpha != null ? alpha : 1.0;
        double meanS = m.meanStrength();
        double betaValue = beta != null ? beta : (meanS > 0 ? alphaValue / meanS : 1.0);
        double[] piValue = pi;
        if (piValue == null) {
            piValue = new double[k];
            java.util.Arrays.fill(piValue, 1.0 / k);
        } else if (piValue.length != k) {
            throw new IllegalArgumentException("pi has " + piValue.length + " weights but k = " + k);
        }
        PiPrior prior = piPrior == null ? PiPrior.FIXED : piPrior;
        double conc = piConcentration != null ? piConcentration : 1.0;
        return new Hyperparameters(tauValue, rhoValue, nuValue, alphaValue, betaValue, piValue, prior, conc);
    }
}
