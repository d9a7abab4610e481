package org.sparkvi.cavi;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The E-step and its statistics over whole SIMD lanes of events (the JDK's Vector API: exp and log of a lane at
 * once), the same arithmetic as {@link SufficientStatistics#addScalar} but summed lane by lane, then across lanes.
 * Spark's launcher adds {@code --add-modules=jdk.incubator.vector} to drivers and executors; where the module is
 * missing, {@link #AVAILABLE} is false and the scalar path runs.
 */
final class VectorEStep {
    static final boolean AVAILABLE = probe();
    private static final VectorSpecies<Double> SPECIES = AVAILABLE ? DoubleVector.SPECIES_PREFERRED : null;

    private VectorEStep() {
    }

    private static boolean probe() {
        if (Boolean.getBoolean("sparkvi.scalar")) {
            return false;
        }
        try {
            return DoubleVector.SPECIES_PREFERRED.length() >= 2;
        } catch (Throwable t) {
            return false; // module not resolved: NoClassDefFoundError
        }
    }

    /** Adds the events of whole lanes, from the start of the block; returns how many were added. */
    static int add(SufficientStatistics st, EventBlock b, ResponsibilityKernel kern) {
        VectorSpecies<Double> sp = SPECIES;
        int lanes = sp.length();
        int k = kern.k;
        int d = kern.d;
        int size = b.size;
        int end = size - size % lanes;
        if (end == 0) {
            return 0;
        }
        double[] x = b.x;
        double[] l = new double[k * lanes];
        double[] e = new double[k * lanes];
        double[] nk = new double[k * lanes];
        double[] sx = new double[k * d * lanes];
        double[] sxx = new double[k * lanes];
        double[] ss = new double[k * lanes];
        DoubleVector rLogRAcc = DoubleVector.zero(sp);
        DoubleVector lseAcc = DoubleVector.zero(sp);
        DoubleVector baseAcc = DoubleVector.zero(sp);
        DoubleVector wAcc = DoubleVector.zero(sp);
        DoubleVector one = DoubleVector.broadcast(sp, 1.0);
        DoubleVector[] xv = new DoubleVector[d];
        double[] scratch = new double[lanes];
        for (int n = 0; n < end; n += lanes) {
            DoubleVector s = DoubleVector.fromArray(sp, b.strength, n);
            DoubleVector xx = DoubleVector.zero(sp);
            for (int j = 0; j < d; j++) {
                xv[j] = DoubleVector.fromArray(sp, x, j * size + n);
                xx = xv[j].fma(xv[j], xx);
            }
            DoubleVector max = DoubleVector.broadcast(sp, Double.NEGATIVE_INFINITY);
            for (int c = 0; c < k; c++) {
                DoubleVector dist = DoubleVector.zero(sp);
                for (int j = 0; j < d; j++) {
                    DoubleVector diff = xv[j].sub(kern.mean[c * d + j]);
                    dist = diff.fma(diff, dist);
                }
                DoubleVector lc = dist.mul(-kern.halfTau).add(kern.constant[c]).add(s.mul(kern.logLambda[c]));
                lc.intoArray(l, c * lanes);
                max = max.max(lc);
            }
            DoubleVector sum = DoubleVector.zero(sp);
            for (int c = 0; c < k; c++) {
                DoubleVector ec = exp(DoubleVector.fromArray(sp, l, c * lanes).sub(max));
                ec.intoArray(e, c * lanes);
                sum = sum.add(ec);
            }
            DoubleVector lse = max.add(log(sum, lanes, scratch));
            DoubleVector inv = one.div(sum);
            DoubleVector w = b.weight == null ? one : DoubleVector.fromArray(sp, b.weight, n);
            DoubleVector rLogR = DoubleVector.zero(sp);
            for (int c = 0; c < k; c++) {
                int o = c * lanes;
                DoubleVector r = DoubleVector.fromArray(sp, e, o).mul(inv);
                DoubleVector wr = r.mul(w);
                wr.add(DoubleVector.fromArray(sp, nk, o)).intoArray(nk, o);
                for (int j = 0; j < d; j++) {
                    int so = (c * d + j) * lanes;
                    wr.fma(xv[j], DoubleVector.fromArray(sp, sx, so)).intoArray(sx, so);
                }
                wr.fma(xx, DoubleVector.fromArray(sp, sxx, o)).intoArray(sxx, o);
                wr.fma(s, DoubleVector.fromArray(sp, ss, o)).intoArray(ss, o);
                rLogR = r.fma(DoubleVector.fromArray(sp, l, o).sub(lse), rLogR);
            }
            DoubleVector base = DoubleVector.fromArray(sp, b.logBase, n);
            rLogRAcc = w.fma(rLogR, rLogRAcc);
            lseAcc = w.fma(lse.add(base), lseAcc);
            baseAcc = w.fma(base, baseAcc);
            wAcc = wAcc.add(w);
        }
        for (int c = 0; c < k; c++) {
            st.nk[c] += laneSum(nk, c * lanes, lanes);
            st.sxx[c] += laneSum(sxx, c * lanes, lanes);
            st.ss[c] += laneSum(ss, c * lanes, lanes);
            for (int j = 0; j < d; j++) {
                st.sx[c * d + j] += laneSum(sx, (c * d + j) * lanes, lanes);
            }
        }
        st.weightedRLogR += rLogRAcc.reduceLanes(VectorOperators.ADD);
        st.weightedLogSumExp += lseAcc.reduceLanes(VectorOperators.ADD);
        st.weightedBase += baseAcc.reduceLanes(VectorOperators.ADD);
        st.weight += wAcc.reduceLanes(VectorOperators.ADD);
        st.count += end;
        return end;
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238;
    private static final double LN2_LO = 1.9082149292705877e-10;
    private static final double ROUNDER = 0x1.8p52;
    /** 1/k!, k = 12 … 0: Taylor's series on |r| ≤ ln2/2, whose remainder r^13/13! is below 2e-16 relative. */
    private static final double[] INV_FACTORIAL = {2.08767569878681e-09, 2.505210838544172e-08, 2.755731922398589e-07,
        2.7557319223985893e-06, 2.48015873015873e-05, 1.984126984126984e-04, 1.388888888888889e-03,
        8.333333333333333e-03, 4.1666666666666664e-02, 1.6666666666666666e-01, 0.5, 1.0, 1.0};

    /**
     * e^x for x ≤ 0 from +, ×, fma and bit operations only: the Vector API's own EXP is an intrinsic (SVML) once C2
     * compiles the loop and a per-lane Java fallback before, and the two differ in the last bit, so the same data
     * gave different sums depending on how warm the JVM was (a cluster's fresh executor against a warm driver).
     * x = n ln 2 + r, |r| ≤ ln2/2; e^x = 2^n e^r; below −708 (2^n subnormal) the result is 0.
     */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector t = x.mul(LOG2E).add(ROUNDER); // n = round(x log2 e) in the low bits of t's mantissa
        DoubleVector n = t.sub(ROUNDER);
        DoubleVector r = n.fma(DoubleVector.broadcast(x.species(), -LN2_HI), x);
        r = n.fma(DoubleVector.broadcast(x.species(), -LN2_LO), r);
        DoubleVector p = DoubleVector.broadcast(x.species(), INV_FACTORIAL[0]);
        for (int i = 1; i < INV_FACTORIAL.length; i++) {
            p = p.fma(r, DoubleVector.broadcast(x.species(), INV_FACTORIAL[i]));
        }
        // t + 1023 is exact (t's ulp is 1), so its low bits are n + 1023: shifted into the exponent, 2^n
        DoubleVector scale = ((LongVector) t.add(1023.0).reinterpretAsLongs()).lanewise(VectorOperators.LSHL, 52)
                .reinterpretAsDoubles();
        return p.mul(scale).blend(0.0, x.compare(VectorOperators.LT, -708.0));
    }

    /** Natural log of each lane by Math.log (one call per event, not per cluster), the same in every JIT tier. */
    private static DoubleVector log(DoubleVector v, int lanes, double[] a) {
        v.intoArray(a, 0);
        for (int i = 0; i < lanes; i++) {
            a[i] = Math.log(a[i]);
        }
        return DoubleVector.fromArray(v.species(), a, 0);
    }

    private static double laneSum(double[] a, int from, int lanes) {
        double s = 0;
        for (int i = 0; i < lanes; i++) {
            s += a[from + i];
        }
        return s;
    }
}
