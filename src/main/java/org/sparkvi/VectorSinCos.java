package org.sparkvi;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * sin x and cos x for |x| ≤ π (angles from latitudes and longitudes), over SIMD lanes and one value at a time with
 * the same bits, from +, ×, fma and comparisons only (as {@link VectorExp}, and for the same reason: the Vector
 * API's SIN and COS are SVML intrinsics once compiled and per-lane fallbacks before, which differ in the last bit,
 * and {@link Math#sin} is one value at a time, 20 ns each on this project's machine: four per event were a fifth
 * of a catalogue read). x = k π/2 + r, k = round(2x/π) ∈ {−2, …, 2}, r = x − k π/2 with π/2 in three parts by
 * fused multiply-adds (r exact but for the last part's rounding); sin r and cos r on |r| ≤ π/4 by fdlibm's kernel
 * polynomials (k_sin.c, k_cos.c: error below one ulp), then the quadrant k mod 4 picks ±sin r or ±cos r. Within one
 * ulp of {@link Math#sin} and {@link Math#cos} (VectorSinCosTest).
 */
public final class VectorSinCos {
    private static final boolean VECTORS = VectorApi.usable(() -> DoubleVector.SPECIES_PREFERRED.length(), 2);
    private static final double TWO_OVER_PI = 0.6366197723675814;
    private static final double ROUNDER = 0x1.8p52;
    /** π/2 = PIO2_1 + PIO2_2 + PIO2_3 (fdlibm's e_rem_pio2.c: 33 + 33 + 53 bits, so k · PIO2_1 and k · PIO2_2 are exact). */
    private static final double PIO2_1 = 1.57079632673412561417e+00;
    private static final double PIO2_2 = 6.07710050630396597660e-11;
    private static final double PIO2_3 = 2.02226624879595063154e-21;
    /** fdlibm k_sin.c: sin r = r + r³(S1 + r²(S2 + … + r² S6)). */
    private static final double S1 = -1.66666666666666324348e-01;
    private static final double S2 = 8.33333333332248946124e-03;
    private static final double S3 = -1.98412698298579493134e-04;
    private static final double S4 = 2.75573137070700676789e-06;
    private static final double S5 = -2.50507602534068634195e-08;
    private static final double S6 = 1.58969099521155010221e-10;
    /** fdlibm k_cos.c: cos r = 1 − r²/2 + r⁴(C1 + r²(C2 + … + r² C6)), the 1 − r²/2 with its rounding error added back. */
    private static final double C1 = 4.16666666666666019037e-02;
    private static final double C2 = -1.38888888888741095749e-03;
    private static final double C3 = 2.48015872894767294178e-05;
    private static final double C4 = -2.75573143513906633035e-07;
    private static final double C5 = 2.08757232129817482790e-09;
    private static final double C6 = -1.13596475577881948265e-11;

    private VectorSinCos() {
    }

    /** sin x (|x| ≤ π), the bits of every SIMD lane. */
    public static double sin(double x) {
        return of(x, true);
    }

    /** cos x (|x| ≤ π), the bits of every SIMD lane. */
    public static double cos(double x) {
        return of(x, false);
    }

    private static double of(double x, boolean sine) {
        double t = x * TWO_OVER_PI + ROUNDER;
        double k = t - ROUNDER;
        double r = Math.fma(k, -PIO2_1, x);
        r = Math.fma(k, -PIO2_2, r);
        r = Math.fma(k, -PIO2_3, r);
        double z = r * r;
        double s = sinKernel(r, z);
        double c = cosKernel(z);
        // k mod 4: 0 → (s, c), 1 → (c, −s), 2 → (−s, −c), 3 → (−c, s); k ∈ {−2, …, 2}, so −1 ≡ 3 and −2 ≡ 2
        boolean odd = k == 1.0 || k == -1.0;
        if (sine) {
            double v = odd ? c : s;
            return k == 2.0 || k == -2.0 || k == -1.0 ? -v : v;
        }
        double v = odd ? s : c;
        return k == 2.0 || k == -2.0 || k == 1.0 ? -v : v;
    }

    private static double sinKernel(double r, double z) {
        double v = z * r;
        double p = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
        return r + v * (S1 + z * p);
    }

    private static double cosKernel(double z) {
        double w = z * z;
        double p = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
        double hz = 0.5 * z;
        double one = 1.0 - hz;
        return one + (((1.0 - one) - hz) + z * p);
    }

    /** The same for {@code n} values from {@code x[from]}, SIMD lanes at a time, into sin[from…] and cos[from…]. */
    public static void sinCos(double[] x, double[] sin, double[] cos, int from, int n) {
        int i = from;
        int end = from + n;
        if (VECTORS) {
            var sp = DoubleVector.SPECIES_PREFERRED;
            for (int upper = from + sp.loopBound(n); i < upper; i += sp.length()) {
                sinCos(DoubleVector.fromArray(sp, x, i), sin, cos, i);
            }
        }
        for (; i < end; i++) {
            sin[i] = sin(x[i]);
            cos[i] = cos(x[i]);
        }
    }

    private static void sinCos(DoubleVector x, double[] sin, double[] cos, int i) {
        var sp = x.species();
        DoubleVector t = x.mul(TWO_OVER_PI).add(ROUNDER);
        DoubleVector k = t.sub(ROUNDER);
        DoubleVector r = k.fma(DoubleVector.broadcast(sp, -PIO2_1), x);
        r = k.fma(DoubleVector.broadcast(sp, -PIO2_2), r);
        r = k.fma(DoubleVector.broadcast(sp, -PIO2_3), r);
        DoubleVector z = r.mul(r);
        // sin r
        DoubleVector v = z.mul(r);
        DoubleVector p = z.mul(S6).add(S5).mul(z).add(S4).mul(z).add(S3).mul(z).add(S2);
        DoubleVector s = r.add(v.mul(z.mul(p).add(S1)));
        // cos r
        DoubleVector w = z.mul(z);
        DoubleVector q = z.mul(z.mul(z.mul(C3).add(C2)).add(C1))
                .add(w.mul(w).mul(z.mul(z.mul(C6).add(C5)).add(C4)));
        DoubleVector hz = z.mul(0.5);
        DoubleVector one = hz.neg().add(1.0);
        DoubleVector c = one.add(one.neg().add(1.0).sub(hz).add(z.mul(q)));
        VectorMask<Double> odd = k.compare(VectorOperators.EQ, 1.0).or(k.compare(VectorOperators.EQ, -1.0));
        VectorMask<Double> half = k.compare(VectorOperators.EQ, 2.0).or(k.compare(VectorOperators.EQ, -2.0));
        DoubleVector sinAbs = s.blend(c, odd);
        DoubleVector cosAbs = c.blend(s, odd);
        sinAbs.blend(sinAbs.neg(), half.or(k.compare(VectorOperators.EQ, -1.0))).intoArray(sin, i);
        cosAbs.blend(cosAbs.neg(), half.or(k.compare(VectorOperators.EQ, 1.0))).intoArray(cos, i);
    }
}
