package org.sparkvi.random;

/**
 * Counter-based uniforms: the draw for (seed, stream, index) is a hash of the three, so it does not depend on
 * which partition or task attempt computes it. The hash is SplitMix64's finaliser (Steele, Lea & Flood 2014),
 * chained over the three keys.
 */
public final class CounterRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRandom() {
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long bits(long seed, long stream, long index) {
        return mix(mix(mix(seed + GOLDEN) + stream * GOLDEN) + index * GOLDEN);
    }

    /**
     * A uniform on the open interval (0, 1): (m + ½)/2⁵², m the top 52 bits. m + ½ needs 53 bits, so it is exact:
     * u lies in [2⁻⁵³, 1 − 2⁻⁵³] and is never 0 or 1 (with 53 bits, m + ½ would round, up to 1.0 at the top).
     */
    public static double uniform(long seed, long stream, long index) {
        return ((bits(seed, stream, index) >>> 12) + 0.5) * 0x1.0p-52;
    }

    /**
     * Exactly 1 − {@link #uniform} of the same key: u = (m + ½)/2⁵², so 1 − u = (m' + ½)/2⁵² with m' = 2⁵² − 1 − m
     * (the complemented bits), formed without the rounding of a subtraction.
     */
    public static double uniformComplement(long seed, long stream, long index) {
        return (((~bits(seed, stream, index)) >>> 12) + 0.5) * 0x1.0p-52;
    }

    /** A standard normal from two counter-based uniforms of (stream, index) and (stream + 1, index), by Box–Muller. */
    public static double normal(long seed, long stream, long index) {
        double u1 = uniform(seed, stream, index);
        double u2 = uniform(seed, stream + 1, index);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A SplittableRandom for (seed, stream, index): a whole stream of draws for one index, for samplers that need several. */
    public static java.util.SplittableRandom generator(long seed, long stream, long index) {
        return new java.util.SplittableRandom(bits(seed, stream, index));
    }
}
