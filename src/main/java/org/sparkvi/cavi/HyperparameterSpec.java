package org.sparkvi.cavi;

import java.io.Serializable;
import org.sparkvi.UserInputException;

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
        if (tau == null || rho == null) {
            requireSpread(m);
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

    /** Below this fraction of the coordinates' scale, a spread s is no spread: see {@link #requireSpread}. */
    static final double MIN_RELATIVE_SPREAD = 1e-6;

    /**
     * τ and ρ default to K^{2/D}/s² and 1/s², so they need a spread s that is really there. It is compared with the
     * coordinates' own scale, not with 0: s ≤ 1e-6 · L, where s² is the variance per dimension and L² the mean over
     * dimensions of (|mean_j| + 1)². A millionth of the coordinates is below any catalogue's location precision
     * (in ECEF L ≈ R/√3 and the bound is 4 m; in lonlat about California, 10 m; catalogues locate to 100 m at
     * best), so such events are at one point, and τ ≥ 10¹²/L² would make clusters a millionth of the coordinates
     * wide: K copies of that point. The + 1 (one unit of model space: a km, a degree) keeps the test meaningful where
     * the mean is near 0 (local-km is centred on the catalogue, identity data may be).
     */
    static void requireSpread(DataMoments m) {
        double[] mean = m.mean();
        double scale = 0;
        for (double v : mean) {
            scale += (Math.abs(v) + 1) * (Math.abs(v) + 1);
        }
        scale = Math.sqrt(scale / mean.length);
        double spread = Math.sqrt(m.meanVariance());
        if (!(spread > MIN_RELATIVE_SPREAD * scale)) {
            throw new UserInputException(String.format(java.util.Locale.ROOT, "the locations have no spread: all %d "
                    + "events are at one point (their standard deviation per dimension, %.3g, is at most %.0e of the "
                    + "coordinates' scale, %.6g), so the data-scaled tau and rho (K^(2/D)/s^2 and 1/s^2) would be "
                    + "meaningless: give --tau and --rho explicitly", m.count(), spread, MIN_RELATIVE_SPREAD, scale));
        }
    }
}
