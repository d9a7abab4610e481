package org.sparkvi.cavi;

import java.io.Serializable;

/**
 * Weighted first and second moments of the locations and the mean strength: what the data-scaled defaults need.
 * The mean and the sum of squared deviations are updated one event at a time (West's weighted form of Welford's
 * update) and merged with Chan's formula, never as Σwx² / W − (Σwx / W)²: that difference cancels every digit the
 * coordinates share (ECEF coordinates are about 6371 km: 10⁵ identical events gave variances up to 5e-5 km², a
 * spread of 7 m, from round-off alone). Here identical events give exactly 0, and a spread is accurate to round-off of the
 * spread itself.
 */
public final class DataMoments implements Serializable {
    private static final long serialVersionUID = 2L;

    final int d;
    long count;
    double weight;
    /** The weighted mean so far. */
    final double[] mean;
    /** Σ w (x − mean)² so far. */
    final double[] squares;
    double sumStrength;

    public DataMoments(int d) {
        this.d = d;
        this.mean = new double[d];
        this.squares = new double[d];
    }

    public DataMoments add(EventBlock b) {
        for (int n = 0; n < b.size; n++) {
            double w = b.weight(n);
            count++;
            if (w == 0) {
                continue;
            }
            weight += w;
            double share = w / weight; // 1 for the first event, so the mean starts exactly at it
            for (int j = 0; j < d; j++) {
                double x = b.x[j * b.size + n];
                double delta = x - mean[j];
                mean[j] += delta * share;
                squares[j] += w * delta * (x - mean[j]);
            }
            sumStrength += w * b.strength[n];
        }
        return this;
    }

    public DataMoments merge(DataMoments o) {
        if (o.weight > 0) {
            double total = weight + o.weight;
            double share = o.weight / total;
            for (int j = 0; j < d; j++) {
                double delta = o.mean[j] - mean[j];
                mean[j] += delta * share;
                squares[j] += o.squares[j] + delta * delta * weight * share;
            }
            weight = total;
        }
        sumStrength += o.sumStrength;
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
        return mean.clone();
    }

    /** The weighted variance per dimension, averaged over dimensions. */
    public double meanVariance() {
        double v = 0;
        for (int j = 0; j < d; j++) {
            v += squares[j] / weight;
        }
        return v / d;
    }

    public double meanStrength() {
        return sumStrength / weight;
    }
}
