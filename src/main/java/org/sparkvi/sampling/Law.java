package org.sparkvi.sampling;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * The laws the sample command draws, validated: Exponential(rate), Categorical(π) with a Gumbel-softmax
 * temperature, Normal(mean, std).
 */
public sealed interface Law extends Serializable permits Law.Exponential, Law.Categorical, Law.Normal {

    String name();

    /** Exponential with rate λ > 0: mean 1/λ, variance 1/λ². */
    record Exponential(double rate) implements Law {
        public Exponential {
            if (!(rate > 0) || !Double.isFinite(rate)) {
                throw new IllegalArgumentException("--rate must be a positive finite number, got " + rate);
            }
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

    /** Normal with mean μ and standard deviation σ > 0. */
    record Normal(double mean, double std) implements Law {
        public Normal {
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException("--mean must be finite, got " + mean);
            }
            if (!(std > 0) || !Double.isFinite(std)) {
                throw new IllegalArgumentException("--std must be a positive finite number, got " + std);
            }
        }

        @Override
        public String name() {
            return "normal";
        }
    }
}
