package org.sparkvi.cavi;

import java.io.Serializable;

/** Weighted first and second moments of the locations and the mean strength: what the data-scaled defaults need. */
public final class DataMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    final int d;
    long count;
    double weight;
    final double[] sum;
    final double[] sumSq;
    double sumStrength;

    public DataMoments(int d) {
        this.d = d;
        this.sum = new double[d];
        this.sumSq = new double[d];
    }

    public DataMoments add(EventBlock b) {
        for (int n = 0; n < b.size; n++) {
            double w = b.weight(n);
            for (int j = 0; j < d; j++) {
                double x = b.x[j * b.size + n];
                sum[j] += w * x;
                sumSq[j] += w * x * x;
            }
            sumStrength += w * b.strength[n];
            weight += w;
            count++;
        }
        return this;
    }

    public DataMoments merge(DataMoments o) {
        for (int j = 0; j < d; j++) {
            sum[j] += o.sum[j];
            sumSq[j] += o.sumSq[j];
        }
        sumStrength += o.sumStrength;
        weight += o.weight;
        count += o.count;
        return this;
    }

    public long count() {
        return count;
    }

    public int d() {
        return d;
    }

    public double totalWeight() {
        return weight;
    }

    public double[] mean() {
        double[] m = new double[d];
        for (int j = 0; j < d; j++) {
            m[j] = sum[j] / weight;
        }
        return m;
    }

    /** The weighted variance per dimension, averaged over dimensions. */
    public double meanVariance() {
        double v = 0;
        for (int j = 0; j < d; j++) {
            double m = sum[j] / weight;
            v += Math.max(0, sumSq[j] / weight - m * m);
        }
        return v / d;
    }

    public double meanStrength() {
        return sumStrength / weight;
    }
}
