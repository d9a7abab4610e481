package org.sparkvi.cavi;

import java.io.Serializable;

/**
 * What one pass over the events gives the driver, summed over events with weights w_n:
 * N_k = Σ w r_nk, SX_k = Σ w r_nk x_n, SXX_k = Σ w r_nk ‖x_n‖², SS_k = Σ w r_nk S_n, and the event-level
 * parts of the ELBO: Σ w logsumexp_n (the ELBO's data part at the parameters of the pass),
 * Σ w Σ_k r log r, and Σ w base_n. A per-partition aggregator: {@link #add} events, {@link #merge} partitions.
 */
public final class SufficientStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    final int k;
    final int d;
    long count;
    double weight;
    final double[] nk;
    final double[] sx;
    final double[] sxx;
    final double[] ss;
    double weightedLogSumExp;
    double weightedRLogR;
    double weightedBase;

    public SufficientStatistics(int k, int d) {
        this.k = k;
        this.d = d;
        this.nk = new double[k];
        this.sx = new double[k * d];
        this.sxx = new double[k];
        this.ss = new double[k];
    }

    /** Adds every event of a block, with responsibilities from the kernel: SIMD where the JVM offers it. */
    public SufficientStatistics add(EventBlock b, ResponsibilityKernel kernel) {
        int done = VectorEStep.AVAILABLE ? VectorEStep.add(this, b, kernel) : 0;
        return addScalar(b, kernel, done, b.size);
    }

    /**
     * Adds events [from, to) one at a time. The E-step is inlined, one exp per event and cluster:
     * e_k = exp(l_k − max), r_k = e_k / Σe, log r_k = l_k − lse, and r log r = r (l_k − lse) (l_k is finite,
     * so r = 0 contributes 0).
     */
    SufficientStatistics addScalar(EventBlock b, ResponsibilityKernel kernel, int from, int to) {
        double[] l = new double[k];
        double[] e = new double[k];
        double[] x = b.x;
        int size = b.size;
        for (int n = from; n < to; n++) {
            double s = b.strength[n];
            double max = kernel.logJoint(b, n, l);
            double sum = 0;
            for (int c = 0; c < k; c++) {
                double ec = Math.exp(l[c] - max);
                e[c] = ec;
                sum += ec;
            }
            double lse = max + Math.log(sum);
            double inv = 1 / sum;
            double w = b.weight == null ? 1.0 : b.weight[n];
            double xx = 0;
            for (int j = 0; j < d; j++) {
                xx += x[j * size + n] * x[j * size + n];
            }
            double rLogR = 0;
            for (int c = 0; c < k; c++) {
                double r = e[c] * inv;
                double wr = w * r;
                nk[c] += wr;
                int so = c * d;
                for (int j = 0; j < d; j++) {
                    sx[so + j] += wr * x[j * size + n];
                }
                sxx[c] += wr * xx;
                ss[c] += wr * s;
                rLogR += r * (l[c] - lse);
            }
            double base = b.logBase[n];
            weightedRLogR += w * rLogR;
            weightedLogSumExp += w * (lse + base);
            weightedBase += w * base;
            weight += w;
            count++;
        }
        return this;
    }

    public SufficientStatistics merge(SufficientStatistics o) {
        count += o.count;
        weight += o.weight;
        for (int c = 0; c < k; c++) {
            nk[c] += o.nk[c];
            sxx[c] += o.sxx[c];
            ss[c] += o.ss[c];
        }
        for (int i = 0; i < sx.length; i++) {
            sx[i] += o.sx[i];
        }
        weightedLogSumExp += o.weightedLogSumExp;
        weightedRLogR += o.weightedRLogR;
        weightedBase += o.weightedBase;
        return this;
    }

    public long count() {
        return count;
    }

    /** Σ w_n, the effective number of events. */
    public double totalWeight() {
        return weight;
    }

    /** N_k = Σ_n w_n r_nk. */
    public double expectedCount(int c) {
        return nk[c];
    }

    public double sumRX(int c, int j) {
        return sx[c * d + j];
    }

    public double sumRS(int c) {
        return ss[c];
    }
}
