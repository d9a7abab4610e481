package org.sparkvi.cavi;

import jdk.incubator.vector.DoubleVector;
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
                DoubleVector ec = DoubleVector.fromArray(sp, l, c * lanes).sub(max).lanewise(VectorOperators.EXP);
                ec.intoArray(e, c * lanes);
                sum = sum.add(ec);
            }
            DoubleVector lse = max.add(sum.lanewise(VectorOperators.LOG));
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

    private static double laneSum(double[] a, int from, int lanes) {
        double s = 0;
        for (int i = 0; i < lanes; i++) {
            s += a[from + i];
        }
        return s;
    }
}
