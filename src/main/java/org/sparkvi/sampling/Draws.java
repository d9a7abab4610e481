package org.sparkvi.sampling;

import org.sparkvi.random.CounterRandom;

import java.io.Serializable;
import org.apache.commons.math3.special.Erf;

/**
 * The value at each index, both ways, from counter-based randomness: the same at an index whatever the partitioning,
 * the task or its attempt. The two ways use separate streams, so they are independent samples of the same law.
 * Not thread-safe (one per task).
 */
public final class Draws implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long DIRECT = 1;
    /** Reparameterised draws use streams REPARAMETERIZED + k (k-th uniform of a draw). */
    static final long REPARAMETERIZED = 1000;

    private final Law law;
    private final long seed;
    private transient AliasTable alias;
    private transient double[] logits;
    private transient double[] gumbel;

    public Draws(Law law, long seed) {
        this.law = law;
        this.seed = seed;
    }

    public Law law() {
        return law;
    }

    private void init() {
        if (alias != null || !(law instanceof Law.Categorical)) {
            return;
        }
        if (law instanceof Law.Categorical c) {
            alias = new AliasTable(c.probs());
            logits = c.logits();
            gumbel = new double[c.k()];
        }
    }

    /**
     * Direct: the JDK's samplers (java.util.random.RandomGenerator.nextExponential and nextGaussian, McFarland's
     * modified ziggurat, 2016) on a SplittableRandom seeded by (seed, index).
     */
    public double directContinuous(long index) {
        java.util.SplittableRandom r = CounterRandom.generator(seed, DIRECT, index);
        if (law instanceof Law.Exponential e) {
            return r.nextExponential() / e.rate();
        }
        Law.Normal nl = (Law.Normal) law;
        return nl.mean() + nl.std() * r.nextGaussian();
    }

    /**
     * Exponential: z = −log(1 − u)/λ (inverse CDF), with 1 − u formed exactly from u's bits, so the intrinsic
     * Math.log serves where log1p(−u) would be slow; Normal: z = μ + σ Φ⁻¹(u).
     */
    public double reparameterizedContinuous(long index) {
        if (law instanceof Law.Exponential e) {
            return -Math.log(CounterRandom.uniformComplement(seed, REPARAMETERIZED, index)) / e.rate();
        }
        double u = CounterRandom.uniform(seed, REPARAMETERIZED, index);
        if (law instanceof Law.Normal nl) {
            return nl.mean() + nl.std() * standardNormalQuantile(u);
        }
        throw new IllegalStateException("categorical draws are integers");
    }

    /** Φ⁻¹(u) = √2 erf⁻¹(2u − 1). */
    static double standardNormalQuantile(double u) {
        return Math.sqrt(2) * Erf.erfInv(2 * u - 1);
    }

    /** Direct categorical: Vose's alias table. */
    public int directCategory(long index) {
        init();
        return alias.sample(CounterRandom.bits(seed, DIRECT, index));
    }

    /** Gumbel-max with the noise of this index; fills {@code relaxed} with the Gumbel-softmax vector of the same noise. */
    public int gumbelCategory(long index, double temperature, double[] relaxed) {
        init();
        for (int k = 0; k < gumbel.length; k++) {
            gumbel[k] = GumbelSoftmax.gumbel(CounterRandom.uniform(seed, REPARAMETERIZED + k, index));
        }
        if (relaxed != null) {
            GumbelSoftmax.relaxed(logits, gumbel, temperature, relaxed);
        }
        return GumbelSoftmax.argmax(logits, gumbel);
    }
}
