package org.sparkvi.sampling;

import java.util.SplittableRandom;
import org.apache.commons.math3.random.AbstractRandomGenerator;

/**
 * A commons-math RandomGenerator re-seeded for each draw from a counter-based key, so that a library sampler
 * (commons-math's Exponential, Normal, …) gives the same value at an index whatever task computes it.
 */
public final class IndexedRandom extends AbstractRandomGenerator {
    private SplittableRandom rnd = new SplittableRandom(0);

    /** Starts the stream of (seed, stream, index). */
    public IndexedRandom at(long seed, long stream, long index) {
        rnd = new SplittableRandom(CounterRandom.bits(seed, stream, index));
        clear(); // forget a cached Gaussian from the previous index
        return this;
    }

    @Override
    public void setSeed(long seed) {
        rnd = new SplittableRandom(seed);
        clear();
    }

    @Override
    public double nextDouble() {
        return rnd.nextDouble();
    }
}
