package org.sparkvi.cavi;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.sparkvi.VectorApi;
import org.sparkvi.VectorExp;

/**
 * The E-step and its statistics over whole SIMD lanes of events (the JDK's Vector API), the same quantities as
 * {@link SufficientStatistics#addScalar}. The events are taken a chunk at a time, and each pass over a chunk is a
 * loop over clusters around a loop over lanes of events, so every loop is short, has no vectors carried between
 * clusters, and compiles to registers (one large loop nest made C2 give up inlining and box its vectors:
 * 9–10 ns per point·cluster update instead of about 1):
 * <ol>
 * <li>l_nk = c_k − (τ/2)‖x_n − m_k‖² + S_n e_k for the chunk's events and every cluster, and M_n = max_k l_nk;</li>
 * <li>E_nk = exp(l_nk − M_n), Σ_n = Σ_k E_nk and Σ_k E_nk (l_nk − M_n);</li>
 * <li>per event: logsumexp = M + log Σ, and Σ_k r log r = Σ_k E(l − M)/Σ − log Σ (no cancellation against M);</li>
 * <li>per cluster: N_k, SX_k, SXX_k, SS_k from w_n r_nk = E_nk (w_n/Σ_n).</li>
 * </ol>
 * Each cluster's sums over a chunk are vector accumulators, reduced lane by lane in a fixed order, so a block gives
 * the same bits in every run and JIT tier. Spark's launcher adds {@code --add-modules=jdk.incubator.vector} to
 * drivers and executors; where the module is missing, {@link #AVAILABLE} is false and the scalar path runs.
 */
final class VectorEStep {
    static final boolean AVAILABLE = VectorApi.usable(() -> DoubleVector.SPECIES_PREFERRED.length(), 2);
    private static final VectorSpecies<Double> SPECIES = AVAILABLE ? DoubleVector.SPECIES_PREFERRED : null;
    private static final int LANES = AVAILABLE ? SPECIES.length() : 1;

    private VectorEStep() {
    }


    /** Events per chunk: the K × chunk logits stay within 256 KB, a core's L2 cache. */
    static int chunkSize(int k) {
        int t = Math.max(LANES, Math.min(512, 32768 / k));
        return t - t % LANES;
    }

    /** The per-chunk buffers, reused across chunks and blocks of one pass. */
    static final class Workspace {
        final int k;
        final int d;
        final int chunk;
        /** l_nk, then E_nk, then w_n r_nk, at [k * chunk + i]. */
        final double[] l;
        final double[] max;
        final double[] sum;
        final double[] shifted;
        final double[] xx;
        final double[] scaled;
        final double[] lanes = new double[LANES];
        /** Per-lane running sums of w Σ r log r, w logsumexp (+ base), w base, w. */
        final double[] rLogR = new double[LANES];
        final double[] lse = new double[LANES];
        final double[] base = new double[LANES];
        final double[] weight = new double[LANES];

        Workspace(int k, int d) {
            this.k = k;
            this.d = d;
            this.chunk = chunkSize(k);
            this.l = new double[k * chunk];
            this.max = new double[chunk];
            this.sum = new double[chunk];
            this.shifted = new double[chunk];
            this.xx = new double[chunk];
            this.scaled = new double[chunk];
        }
    }

    /** Adds the events of whole lanes, from the start of the block; returns how many were added. */
    static int add(SufficientStatistics st, EventBlock b, ResponsibilityKernel kern) {
        int end = b.size - b.size % LANES;
        if (end == 0) {
            return 0;
        }
        Workspace ws = new Workspace(kern.k, kern.d);
        for (int from = 0; from < end; from += ws.chunk) {
            int len = Math.min(ws.chunk, end - from);
            logits(kern, b, ws, from, len);
            exponentials(ws, len);
            perEvent(b, ws, from, len);
            statistics(st, b, ws, from, len);
        }
        st.weightedRLogR += laneSum(ws.rLogR);
        st.weightedLogSumExp += laneSum(ws.lse);
        st.weightedBase += laneSum(ws.base);
        st.weight += laneSum(ws.weight);
        st.count += end;
        return end;
    }

    /**
     * r_nk = E_nk / Σ_n for events [from, from + len) of a block (len a multiple of the lane count, at most a chunk),
     * into ws.l at [k * chunk + (n − from)]: passes 1 and 2, then one division per event.
     */
    static void responsibilities(ResponsibilityKernel kern, EventBlock b, Workspace ws, int from, int len) {
        logits(kern, b, ws, from, len);
        exponentials(ws, len);
        DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
        for (int i = 0; i < len; i += LANES) {
            one.div(DoubleVector.fromArray(SPECIES, ws.sum, i)).intoArray(ws.scaled, i);
        }
        for (int c = 0; c < ws.k; c++) {
            int o = c * ws.chunk;
            for (int i = 0; i < len; i += LANES) {
                DoubleVector.fromArray(SPECIES, ws.l, o + i).mul(DoubleVector.fromArray(SPECIES, ws.scaled, i))
                        .intoArray(ws.l, o + i);
            }
        }
    }

    /** The events of a block that {@link #responsibilities} covers: whole lanes from the start. */
    static int vectorEnd(EventBlock b) {
        return AVAILABLE ? b.size - b.size % LANES : 0;
    }

    /**
     * Pass 1: l_nk into ws.l, M_n into ws.max. D = 2 and D = 3 (every coordinate system but identity's) have loops
     * of their own, as pass 4 has: their coordinates and sums are named vectors that C2 keeps in registers, where an
     * array of vectors indexed by dimension would be boxed; any other D goes a dimension at a time through memory.
     */
    private static void logits(ResponsibilityKernel kern, EventBlock b, Workspace ws, int from, int len) {
        int d = kern.d;
        for (int c = 0; c < kern.k; c++) {
            int o = c * ws.chunk;
            if (d == 2) {
                logits2(b, ws.l, o, from, len, kern.mean[2 * c], kern.mean[2 * c + 1], kern.halfTau,
                        kern.constant[c], kern.logLambda[c]);
            } else if (d == 3) {
                logits3(b, ws.l, o, from, len, kern.mean[3 * c], kern.mean[3 * c + 1], kern.mean[3 * c + 2],
                        kern.halfTau, kern.constant[c], kern.logLambda[c]);
            } else {
                logitsAnyDim(kern, b, ws.l, o, c, from, len);
            }
            if (c == 0) {
                System.arraycopy(ws.l, 0, ws.max, 0, len);
            } else {
                maxInto(ws.max, ws.l, o, len);
            }
        }
    }

    private static void logits2(EventBlock b, double[] l, int o, int from, int len, double m0, double m1,
                                double halfTau, double constant, double logLambda) {
        double[] x = b.x;
        double[] s = b.strength;
        int x1 = b.size;
        for (int i = 0; i < len; i += LANES) {
            int n = from + i;
            DoubleVector d0 = DoubleVector.fromArray(SPECIES, x, n).sub(m0);
            DoubleVector d1 = DoubleVector.fromArray(SPECIES, x, x1 + n).sub(m1);
            DoubleVector dist = d1.fma(d1, d0.mul(d0));
            dist.mul(-halfTau).add(constant).add(DoubleVector.fromArray(SPECIES, s, n).mul(logLambda)).intoArray(l, o + i);
        }
    }

    private static void logits3(EventBlock b, double[] l, int o, int from, int len, double m0, double m1, double m2,
                                double halfTau, double constant, double logLambda) {
        double[] x = b.x;
        double[] s = b.strength;
        int x1 = b.size;
        int x2 = 2 * b.size;
        for (int i = 0; i < len; i += LANES) {
            int n = from + i;
            DoubleVector d0 = DoubleVector.fromArray(SPECIES, x, n).sub(m0);
            DoubleVector d1 = DoubleVector.fromArray(SPECIES, x, x1 + n).sub(m1);
            DoubleVector d2 = DoubleVector.fromArray(SPECIES, x, x2 + n).sub(m2);
            DoubleVector dist = d2.fma(d2, d1.fma(d1, d0.mul(d0)));
            dist.mul(-halfTau).add(constant).add(DoubleVector.fromArray(SPECIES, s, n).mul(logLambda)).intoArray(l, o + i);
        }
    }

    /** Any D: ‖x − m‖² summed into l a dimension at a time, then turned into the logit in place. */
    private static void logitsAnyDim(ResponsibilityKernel kern, EventBlock b, double[] l, int o, int c, int from,
                                     int len) {
        double[] x = b.x;
        java.util.Arrays.fill(l, o, o + len, 0.0);
        for (int j = 0; j < kern.d; j++) {
            double m = kern.mean[c * kern.d + j];
            int xo = j * b.size + from;
            for (int i = 0; i < len; i += LANES) {
                DoubleVector diff = DoubleVector.fromArray(SPECIES, x, xo + i).sub(m);
                diff.fma(diff, DoubleVector.fromArray(SPECIES, l, o + i)).intoArray(l, o + i);
            }
        }
        for (int i = 0; i < len; i += LANES) {
            DoubleVector dist = DoubleVector.fromArray(SPECIES, l, o + i);
            dist.mul(-kern.halfTau).add(kern.constant[c])
                    .add(DoubleVector.fromArray(SPECIES, b.strength, from + i).mul(kern.logLambda[c])).intoArray(l, o + i);
        }
    }

    private static void maxInto(double[] max, double[] l, int o, int len) {
        for (int i = 0; i < len; i += LANES) {
            DoubleVector.fromArray(SPECIES, max, i).max(DoubleVector.fromArray(SPECIES, l, o + i)).intoArray(max, i);
        }
    }

    /** Pass 2: E_nk = exp(l_nk − M_n) over ws.l, Σ_n into ws.sum, Σ_k E_nk (l_nk − M_n) into ws.shifted. */
    private static void exponentials(Workspace ws, int len) {
        double[] l = ws.l;
        for (int c = 0; c < ws.k; c++) {
            int o = c * ws.chunk;
            boolean first = c == 0;
            for (int i = 0; i < len; i += LANES) {
                DoubleVector v = DoubleVector.fromArray(SPECIES, l, o + i).sub(DoubleVector.fromArray(SPECIES, ws.max, i));
                DoubleVector e = VectorExp.exp(v);
                e.intoArray(l, o + i);
                if (first) {
                    e.intoArray(ws.sum, i);
                    e.mul(v).intoArray(ws.shifted, i);
                } else {
                    e.add(DoubleVector.fromArray(SPECIES, ws.sum, i)).intoArray(ws.sum, i);
                    e.fma(v, DoubleVector.fromArray(SPECIES, ws.shifted, i)).intoArray(ws.shifted, i);
                }
            }
        }
    }

    /** Pass 3: the event-level ELBO terms, ‖x‖², and w/Σ into ws.scaled. */
    private static void perEvent(EventBlock b, Workspace ws, int from, int len) {
        double[] logSum = ws.scaled; // holds log Σ until w/Σ overwrites it
        for (int i = 0; i < len; i++) {
            logSum[i] = Math.log(ws.sum[i]); // one log per event, the same in every JIT tier
        }
        DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
        for (int i = 0; i < len; i += LANES) {
            int n = from + i;
            DoubleVector sum = DoubleVector.fromArray(SPECIES, ws.sum, i);
            DoubleVector ls = DoubleVector.fromArray(SPECIES, logSum, i);
            DoubleVector w = b.weight == null ? one : DoubleVector.fromArray(SPECIES, b.weight, n);
            DoubleVector base = DoubleVector.fromArray(SPECIES, b.logBase, n);
            DoubleVector rLogR = DoubleVector.fromArray(SPECIES, ws.shifted, i).div(sum).sub(ls);
            DoubleVector lse = DoubleVector.fromArray(SPECIES, ws.max, i).add(ls);
            accumulate(ws.rLogR, w.mul(rLogR));
            accumulate(ws.lse, w.mul(lse.add(base)));
            accumulate(ws.base, w.mul(base));
            accumulate(ws.weight, w);
            w.div(sum).intoArray(ws.scaled, i);
            DoubleVector xx = DoubleVector.zero(SPECIES);
            for (int j = 0; j < b.dim; j++) {
                DoubleVector xj = DoubleVector.fromArray(SPECIES, b.x, j * b.size + n);
                xx = xj.fma(xj, xx);
            }
            xx.intoArray(ws.xx, i);
        }
    }

    private static void accumulate(double[] acc, DoubleVector v) {
        v.add(DoubleVector.fromArray(SPECIES, acc, 0)).intoArray(acc, 0);
    }

    /**
     * Pass 4: w_n r_nk = E_nk w_n/Σ_n, and per cluster N_k, SXX_k, SS_k and SX_k. Each sum has its own accumulator,
     * so the fma chains run side by side instead of each waiting on the last (one chain per loop was bound by the
     * fma's latency).
     */
    private static void statistics(SufficientStatistics st, EventBlock b, Workspace ws, int from, int len) {
        int d = ws.d;
        for (int c = 0; c < ws.k; c++) {
            int o = c * ws.chunk;
            if (d == 2) {
                clusterSums2(st, c, b, ws, o, from, len);
            } else if (d == 3) {
                clusterSums3(st, c, b, ws, o, from, len);
            } else {
                clusterSums(st, c, b.strength, ws, o, from, len);
                for (int j = 0; j < d; j++) {
                    st.sx[c * d + j] += dot(ws.l, o, b.x, j * b.size + from, len, ws.lanes);
                }
            }
        }
    }

    private static void clusterSums2(SufficientStatistics st, int c, EventBlock b, Workspace ws, int o, int from,
                                     int len) {
        double[] l = ws.l;
        double[] x = b.x;
        int x1 = b.size + from;
        DoubleVector n = DoubleVector.zero(SPECIES);
        DoubleVector sxx = DoubleVector.zero(SPECIES);
        DoubleVector ss = DoubleVector.zero(SPECIES);
        DoubleVector sx0 = DoubleVector.zero(SPECIES);
        DoubleVector sx1 = DoubleVector.zero(SPECIES);
        for (int i = 0; i < len; i += LANES) {
            DoubleVector wr = DoubleVector.fromArray(SPECIES, l, o + i).mul(DoubleVector.fromArray(SPECIES, ws.scaled, i));
            n = n.add(wr);
            sxx = wr.fma(DoubleVector.fromArray(SPECIES, ws.xx, i), sxx);
            ss = wr.fma(DoubleVector.fromArray(SPECIES, b.strength, from + i), ss);
            sx0 = wr.fma(DoubleVector.fromArray(SPECIES, x, from + i), sx0);
            sx1 = wr.fma(DoubleVector.fromArray(SPECIES, x, x1 + i), sx1);
        }
        st.nk[c] += laneSum(n, ws.lanes);
        st.sxx[c] += laneSum(sxx, ws.lanes);
        st.ss[c] += laneSum(ss, ws.lanes);
        st.sx[2 * c] += laneSum(sx0, ws.lanes);
        st.sx[2 * c + 1] += laneSum(sx1, ws.lanes);
    }

    private static void clusterSums3(SufficientStatistics st, int c, EventBlock b, Workspace ws, int o, int from,
                                     int len) {
        double[] l = ws.l;
        double[] x = b.x;
        int x1 = b.size + from;
        int x2 = 2 * b.size + from;
        DoubleVector n = DoubleVector.zero(SPECIES);
        DoubleVector sxx = DoubleVector.zero(SPECIES);
        DoubleVector ss = DoubleVector.zero(SPECIES);
        DoubleVector sx0 = DoubleVector.zero(SPECIES);
        DoubleVector sx1 = DoubleVector.zero(SPECIES);
        DoubleVector sx2 = DoubleVector.zero(SPECIES);
        for (int i = 0; i < len; i += LANES) {
            DoubleVector wr = DoubleVector.fromArray(SPECIES, l, o + i).mul(DoubleVector.fromArray(SPECIES, ws.scaled, i));
            n = n.add(wr);
            sxx = wr.fma(DoubleVector.fromArray(SPECIES, ws.xx, i), sxx);
            ss = wr.fma(DoubleVector.fromArray(SPECIES, b.strength, from + i), ss);
            sx0 = wr.fma(DoubleVector.fromArray(SPECIES, x, from + i), sx0);
            sx1 = wr.fma(DoubleVector.fromArray(SPECIES, x, x1 + i), sx1);
            sx2 = wr.fma(DoubleVector.fromArray(SPECIES, x, x2 + i), sx2);
        }
        st.nk[c] += laneSum(n, ws.lanes);
        st.sxx[c] += laneSum(sxx, ws.lanes);
        st.ss[c] += laneSum(ss, ws.lanes);
        st.sx[3 * c] += laneSum(sx0, ws.lanes);
        st.sx[3 * c + 1] += laneSum(sx1, ws.lanes);
        st.sx[3 * c + 2] += laneSum(sx2, ws.lanes);
    }

    /** N_k, SXX_k, SS_k for any D, leaving w_n r_nk in ws.l for the per-dimension sums. */
    private static void clusterSums(SufficientStatistics st, int c, double[] s, Workspace ws, int o, int from, int len) {
        double[] l = ws.l;
        DoubleVector n = DoubleVector.zero(SPECIES);
        DoubleVector sxx = DoubleVector.zero(SPECIES);
        DoubleVector ss = DoubleVector.zero(SPECIES);
        for (int i = 0; i < len; i += LANES) {
            DoubleVector wr = DoubleVector.fromArray(SPECIES, l, o + i).mul(DoubleVector.fromArray(SPECIES, ws.scaled, i));
            wr.intoArray(l, o + i);
            n = n.add(wr);
            sxx = wr.fma(DoubleVector.fromArray(SPECIES, ws.xx, i), sxx);
            ss = wr.fma(DoubleVector.fromArray(SPECIES, s, from + i), ss);
        }
        st.nk[c] += laneSum(n, ws.lanes);
        st.sxx[c] += laneSum(sxx, ws.lanes);
        st.ss[c] += laneSum(ss, ws.lanes);
    }

    private static double dot(double[] a, int ao, double[] b, int bo, int len, double[] lanes) {
        DoubleVector acc = DoubleVector.zero(SPECIES);
        for (int i = 0; i < len; i += LANES) {
            acc = DoubleVector.fromArray(SPECIES, a, ao + i).fma(DoubleVector.fromArray(SPECIES, b, bo + i), acc);
        }
        return laneSum(acc, lanes);
    }

    private static double laneSum(DoubleVector v, double[] lanes) {
        v.intoArray(lanes, 0);
        return laneSum(lanes);
    }

    private static double laneSum(double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }
}
