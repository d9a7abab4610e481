package org.sparkvi.sampling;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * The laws the sample command draws, validated: Exponential(rate), Categorical(π) with a Gumbel-softmax
 * temperature, Normal(mean, std).
 */
public sealed interface Law extends Serializable permits Law.Exponential, Law.Categorical, Law.Normal {
    /**
     * Scales (1/rate, std) and means are kept within [1e-100, 1e100]: the report squares the scale (a variance of
     * 1e±200) and sums up to 10¹² squared deviations (1e212), which stays inside double precision (about 1e±308);
     * much further out the variances overflow to ∞ or underflow to 0 and the z-scores become NaN.
     */
    double MIN_SCALE = 1e-100;
    double MAX_SCALE = 1e100;

    String name();

    /** Refuses a rate or std outside [1e-100, 1e100], naming the option and the range. */
    static void checkScale(String option, double value) {
        if (!(value >= MIN_SCALE && value <= MAX_SCALE)) {
            throw new IllegalArgumentException(option + " must lie between 1e-100 and 1e100, got " + value
                    + " (further out, the variance of the draws overflows or underflows double precision)");
        }
    }

    /** Exponential with rate λ in [1e-100, 1e100]: mean 1/λ, variance 1/λ². */
    record Exponential(double rate) implements Law {
        public Exponential {
            if (!(rate > 0) || !Double.isFinite(rate)) {
                throw new IllegalArgumentException("--rate must be a positive finite number, got " + rate);
            }
            checkScale("--rate", rate);
        }

        @Override
        public String name() {
            return "exponential";
        }
    }

    /**
     * Categorical over 0..K−1. Probabilities must be finite and non-negative with a positive sum; they are
     * rejected, not normalised, unless they sum to 1 within 1e-9, so that a typo does not silently become another law.
     */
    record Categorical(double[] probs, double temperature) implements Law {
        public Categorical {
            if (probs == null || probs.length < 2) {
                throw new IllegalArgumentException("--probs needs at least two probabilities, got "
                        + (probs == null ? "none" : Arrays.toString(probs)));
            }
            double sum = 0;
            for (double p : probs) {
                if (!Double.isFinite(p) || p < 0) {
                    throw new IllegalArgumentException("--probs must be finite and non-negative, got " + Arrays.toString(probs));
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > 1e-9) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "--probs must sum to 1 (within 1e-9), got sum %.12g for %s; they are not normalised for you",
                        sum, Arrays.toString(probs)));
            }
            if (!(temperature > 0) || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException("--temperature must be a positive finite number, got " + temperature);
            }
            probs = probs.clone();
        }

        @Override
        public double[] probs() {
            return probs.clone();
        }

        public int k() {
            return probs.length;
        }

        public double[] logits() {
            double[] l = new double[probs.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = Math.log(probs[i]); // −∞ for a zero probability: never drawn
            }
            return l;
        }

        @Override
        public String name() {
            return "categorical";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Categorical c && Arrays.equals(probs, c.probs) && temperature == c.temperature;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(probs) * 31 + Double.hashCode(temperature);
        }
    }

    /** Normal with mean μ, |μ| ≤ 1e100, and standard deviation σ in [1e-100, 1e100]. */
    record Normal(double mean, double std) implements Law {
        public Normal {
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException("--mean must be finite, got " + mean);
            }
            if (!(Math.abs(mean) <= MAX_SCALE)) {
                throw new IllegalArgumentException("--mean must lie between -1e100 and 1e100, got " + mean
                        + " (further out, the draws and their squares can overflow double precision)");
            }
            if (!(std > 0) || !Double.isFinite(std)) {
                throw new IllegalArgumentException("--std must be a positive finite number, got " + std);
            }
            checkScale("--std", std);
        }

        @Override
        public String name() {
            return "normal";
        }
    }
}
