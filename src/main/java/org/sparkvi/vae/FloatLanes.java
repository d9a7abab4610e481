package org.sparkvi.vae;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.sparkvi.VectorApi;
import org.sparkvi.VectorExp;

/**
 * float32 loops of the training step over SIMD lanes (the JDK's Vector API), for loops C2 (JDK 17) leaves scalar or
 * splits into passes. Each lane does what the scalar loop does to its element, in the same order, with the same
 * IEEE float operations (add, multiply, divide, square root; nothing fused), so the results are the same bits as the
 * scalar loops', which run where the module is missing: Spark's launcher adds {@code
 * --add-modules=jdk.incubator.vector}; without it (or with {@code -Dsparkvi.scalar=true}) {@link #AVAILABLE} is false.
 */
final class FloatLanes {
    static final boolean AVAILABLE = VectorApi.usable(() -> FloatVector.SPECIES_PREFERRED.length(), 4);
    private static final VectorSpecies<Float> SPECIES = AVAILABLE ? FloatVector.SPECIES_PREFERRED : null;
    private static final VectorSpecies<Double> DOUBLES = AVAILABLE ? DoubleVector.SPECIES_PREFERRED : null;
    static final int LANES = AVAILABLE ? SPECIES.length() : 1;

    private FloatLanes() {
    }


    /**
     * Adam's float32 update ({@link Adam#applyTo(float[], float[], float[], float[][], int, int, long)}) on entries
     * [from, end) for the largest end ≤ to that whole vectors reach, with the gradient the sum of one or two shards'
     * (g0 + g1 in that order, then 0 + it; entry i of gk at gk[i - ok]), in one pass; returns end (the caller does the
     * rest).
     */
    static int adam(float[] theta, float[] mm, float[] vv, float[] g0, int o0, float[] g1, int o1, int from, int to,
                    float b1, float a1, float b2, float a2, float c2, float stepSize, float e) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = from;
        for (; i + LANES <= to; i += LANES) {
            FloatVector g = FloatVector.fromArray(SPECIES, g0, i - o0);
            if (g1 != null) {
                g = g.add(FloatVector.fromArray(SPECIES, g1, i - o1));
            }
            g = zero.add(g);
            FloatVector m1 = FloatVector.fromArray(SPECIES, mm, i).mul(b1).add(g.mul(a1));
            FloatVector v1 = FloatVector.fromArray(SPECIES, vv, i).mul(b2).add(g.mul(a2).mul(g));
            m1.intoArray(mm, i);
            v1.intoArray(vv, i);
            FloatVector step = m1.mul(stepSize).div(v1.sqrt().div(c2).add(e));
            FloatVector.fromArray(SPECIES, theta, i).sub(step).intoArray(theta, i);
        }
        return i;
    }

    /**
     * x[i] ← e^{x[i]} for i < n (every x ≤ 0), by {@link VectorExp}: lanes where the module is there, one value at a
     * time elsewhere and for the tail, the same bits either way.
     */
    static void exp(double[] x, int n) {
        int i = 0;
        if (AVAILABLE) {
            for (; i + DOUBLES.length() <= n; i += DOUBLES.length()) {
                VectorExp.exp(DoubleVector.fromArray(DOUBLES, x, i)).intoArray(x, i);
            }
        }
        for (; i < n; i++) {
            x[i] = VectorExp.exp(x[i]);
        }
    }
}
