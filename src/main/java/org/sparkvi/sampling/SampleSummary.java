package org.sparkvi.sampling;

import java.io.Serializable;

/**
 * What the report needs from every draw, in one pass: for continuous laws the moments and a histogram of each way;
 * for Categorical the counts of the direct and Gumbel-max draws and the sum of the relaxed vectors.
 */
public final class SampleSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    public final Moments direct = new Moments();
    public final Moments reparameterized = new Moments();
    final double lo;
    final double hi;
    public final long[] directHistogram;
    public final long[] reparameterizedHistogram;
    public final long[] directCounts;
    public final long[] gumbelCounts;
    public final double[] relaxedSum;

    public SampleSummary(Law law, int bins) {
        if (law instanceof Law.Categorical c) {
            lo = 0;
            hi = 0;
            directHistogram = null;
            reparameterizedHistogram = null;
            directCounts = new long[c.k()];
            gumbelCounts = new long[c.k()];
            relaxedSum = new double[c.k()];
        } else {
            double[] range = histogramRange(law);
            lo = range[0];
            hi = range[1];
            directHistogram = new long[bins];
            reparameterizedHistogram = new long[bins];
            directCounts = null;
            gumbelCounts = null;
            relaxedSum = null;
        }
    }

    /** Exponential: [0, the 0.999 quantile]; Normal: μ ± 4σ. Values outside are counted in no bin. */
    static double[] histogramRange(Law law) {
        if (law instanceof Law.Exponential e) {
            return new double[] {0, -Math.log(0.001) / e.rate()};
        }
        Law.Normal n = (Law.Normal) law;
        return new double[] {n.mean() - 4 * n.std(), n.mean() + 4 * n.std()};
    }

    public double binLow() {
        return lo;
    }

    public double binHigh() {
        return hi;
    }

    public SampleSummary addRange(Draws draws, long from, long to, double temperature) {
        if (directCounts != null) {
            double[] y = new double[directCounts.length];
            for (long i = from; i < to; i++) {
                directCounts[draws.directCategory(i)]++;
                gumbelCounts[draws.gumbelCategory(i, temperature, y)]++;
                for (int k = 0; k < y.length; k++) {
                    relaxedSum[k] += y[k];
                }
            }
        } else {
            for (long i = from; i < to; i++) {
                double a = draws.directContinuous(i);
                double b = draws.reparameterizedContinuous(i);
                direct.add(a);
                reparameterized.add(b);
                bin(directHistogram, a);
                bin(reparameterizedHistogram, b);
            }
        }
        return this;
    }

    private void bin(long[] h, double x) {
        int b = (int) Math.floor((x - lo) / (hi - lo) * h.length);
        if (b >= 0 && b < h.length) {
            h[b]++;
        }
    }

    public SampleSummary merge(SampleSummary o) {
        direct.merge(o.direct);
        reparameterized.merge(o.reparameterized);
        add(directHistogram, o.directHistogram);
        add(reparameterizedHistogram, o.reparameterizedHistogram);
        add(directCounts, o.directCounts);
        add(gumbelCounts, o.gumbelCounts);
        if (relaxedSum != null) {
            for (int k = 0; k < relaxedSum.length; k++) {
                relaxedSum[k] += o.relaxedSum[k];
            }
        }
        return this;
    }

    private static void add(long[] a, long[] b) {
        if (a != null) {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
    }
}
