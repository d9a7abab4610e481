package org.sparkvi.sampling;

import java.io.Serializable;

/** Count, mean and sum of squared deviations, updated by Welford's rule and merged by Chan et al.'s. */
public final class Moments implements Serializable {
    private static final long serialVersionUID = 1L;
    long n;
    double mean;
    double m2;

    public void add(double x) {
        n++;
        double delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
    }

    public Moments merge(Moments o) {
        if (o.n == 0) {
            return this;
        }
        if (n == 0) {
            n = o.n;
            mean = o.mean;
            m2 = o.m2;
            return this;
        }
        long total = n + o.n;
        double delta = o.mean - mean;
        mean += delta * o.n / total;
        m2 += o.m2 + delta * delta * ((double) n * o.n / total);
        n = total;
        return this;
    }

    public long count() {
        return n;
    }

    public double mean() {
        return mean;
    }

    /** The unbiased sample variance. */
    public double variance() {
        return n > 1 ? m2 / (n - 1) : Double.NaN;
    }
}
