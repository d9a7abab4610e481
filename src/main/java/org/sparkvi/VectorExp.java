package org.sparkvi;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x for x ≤ 0 from +, ×, fma and bit operations only, over SIMD lanes and one value at a time with the same bits.
 * The Vector API's own EXP is an intrinsic (SVML) once C2 compiles the loop and a per-lane Java fallback before, and
 * the two differ in the last bit, so the same data gave different sums depending on how warm the JVM was (a
 * cluster's fresh executor against a warm driver); {@link Math#exp} is one value at a time. x = n ln 2 + r,
 * |r| ≤ ln2/2; e^x = 2^n e^r, e^r by Taylor's series to r^12/12! (remainder r^13/13! below 2e-16 relative),
 * Horner's rule unrolled; below −708 (2^n subnormal) the result is 0. IEEE operations (fused multiply-add included)
 * give the same bits interpreted, compiled, in a lane or alone.
 */
public final class VectorExp {
    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238;
    private static final double LN2_LO = 1.9082149292705877e-10;
    private static final double ROUNDER = 0x1.8p52;
    /** Taylor coefficients C_k = 1/k! (constants, not an array, so C2 folds them into the unrolled Horner steps). */
    private static final double C12 = 2.08767569878681e-09;
    private static final double C11 = 2.505210838544172e-08;
    private static final double C10 = 2.755731922398589e-07;
    private static final double C9 = 2.7557319223985893e-06;
    private static final double C8 = 2.48015873015873e-05;
    private static final double C7 = 1.984126984126984e-04;
    private static final double C6 = 1.388888888888889e-03;
    private static final double C5 = 8.333333333333333e-03;
    private static final double C4 = 4.1666666666666664e-02;
    private static final double C3 = 1.6666666666666666e-01;
    private static final double C2 = 0.5;
    private static final double C1 = 1.0;
    private static final double C0 = 1.0;

    private VectorExp() {
    }

    /** e^x in every lane (x ≤ 0). */
    public static DoubleVector exp(DoubleVector x) {
        DoubleVector t = x.mul(LOG2E).add(ROUNDER); // n = round(x log2 e) in the low bits of t's mantissa
        DoubleVector n = t.sub(ROUNDER);
        DoubleVector r = n.fma(DoubleVector.broadcast(x.species(), -LN2_HI), x);
        r = n.fma(DoubleVector.broadcast(x.species(), -LN2_LO), r);
        DoubleVector p = DoubleVector.broadcast(x.species(), C12).fma(r, DoubleVector.broadcast(x.species(), C11));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C10));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C9));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C8));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C7));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C6));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C5));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C4));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C3));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C2));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C1));
        p = p.fma(r, DoubleVector.broadcast(x.species(), C0));
        // t + 1023 is exact (t's ulp is 1), so its low bits are n + 1023: shifted into the exponent, 2^n
        DoubleVector scale = ((LongVector) t.add(1023.0).reinterpretAsLongs()).lanewise(VectorOperators.LSHL, 52)
                .reinterpretAsDoubles();
        return p.mul(scale).blend(0.0, x.compare(VectorOperators.LT, -708.0));
    }

    /** The same e^x for one value, bit for bit. */
    public static double exp(double x) {
        double t = x * LOG2E + ROUNDER;
        double n = t - ROUNDER;
        double r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        double p = Math.fma(C12, r, C11);
        p = Math.fma(p, r, C10);
        p = Math.fma(p, r, C9);
        p = Math.fma(p, r, C8);
        p = Math.fma(p, r, C7);
        p = Math.fma(p, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, C1);
        p = Math.fma(p, r, C0);
        double scale = Double.longBitsToDouble(Double.doubleToRawLongBits(t + 1023.0) << 52);
        return x < -708.0 ? 0.0 : p * scale;
    }
}
