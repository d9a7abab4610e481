package org.sparkvi.cavi;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A partition's events as columns of primitive arrays (what the iterations read), plus optional columns that
 * only the final report reads. {@code logBase[n]} = −log S_n! − log|J_n|: the part of event n's log-likelihood that
 * depends on no parameter (the Jacobian of the coordinate transform, e.g. log R_n for radial coordinates).
 */
public final class EventBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int size;
    public final int dim;
    /** Locations in model space, one column per dimension: x[j*size + n] (what SIMD loads want). */
    public final double[] x;
    /** S_n, whole numbers held as doubles (what the E-step multiplies by). */
    public final double[] strength;
    /** Per-event weights, or null when every weight is 1. */
    public final double[] weight;
    public final double[] logBase;
    /** The event's index in the catalogue: the key of every random draw made for it. */
    public final long[] index;
    /** Optional report columns (null when absent): id, time in ms (Long.MIN_VALUE = missing), magnitude, lat/lon (NaN = missing). */
    public final String[] id;
    public final long[] timeMillis;
    public final double[] mag;
    public final double[] latitude;
    public final double[] longitude;

    public EventBlock(int dim, double[] x, double[] strength, double[] weight, double[] logBase, long[] index,
                      String[] id, long[] timeMillis, double[] mag, double[] latitude, double[] longitude) {
        this.size = strength.length;
        this.dim = dim;
        if (x.length != size * dim || logBase.length != size || index.length != size
                || (weight != null && weight.length != size)) {
            throw new IllegalArgumentException("event block columns differ in length");
        }
        this.x = x;
        this.strength = strength;
        this.weight = weight;
        this.logBase = logBase;
        this.index = index;
        this.id = id;
        this.timeMillis = timeMillis;
        this.mag = mag;
        this.latitude = latitude;
        this.longitude = longitude;
    }

    /** Coordinate j of event n. */
    public double x(int n, int j) {
        return x[j * size + n];
    }

    /** Event n's location as a new array. */
    public double[] location(int n) {
        double[] out = new double[dim];
        for (int j = 0; j < dim; j++) {
            out[j] = x[j * size + n];
        }
        return out;
    }

    public double weight(int n) {
        return weight == null ? 1.0 : weight[n];
    }

    /** The event's id, or "#index" when the catalogue had none. */
    public String idOf(int n) {
        return id != null && id[n] != null ? id[n] : "#" + index[n];
    }

    /** Grows columns one event at a time; the optional columns are kept only if asked for. */
    public static final class Builder {
        private final int dim;
        private final boolean weighted;
        private final boolean withReportColumns;
        private int n;
        private double[] x = new double[0];
        private double[] s = new double[0];
        private double[] w = new double[0];
        private double[] base = new double[0];
        private long[] idx = new long[0];
        private String[] id = new String[0];
        private long[] time = new long[0];
        private double[] mag = new double[0];
        private double[] lat = new double[0];
        private double[] lon = new double[0];

        public Builder(int dim, boolean weighted, boolean withReportColumns) {
            this.dim = dim;
            this.weighted = weighted;
            this.withReportColumns = withReportColumns;
        }

        public Builder add(double[] xs, double strength, double weight, double logBase, long index) {
            return add(xs, strength, weight, logBase, index, null, Long.MIN_VALUE, Double.NaN, Double.NaN, Double.NaN);
        }

        public Builder add(double[] xs, double strength, double weight, double logBase, long index,
                           String eventId, long timeMillis, double magnitude, double latitude, double longitude) {
            if (n == s.length) {
                grow(Math.max(16, n * 2));
            }
            System.arraycopy(xs, 0, x, n * dim, dim);
            s[n] = strength;
            w[n] = weight;
            base[n] = logBase;
            idx[n] = index;
            if (withReportColumns) {
                id[n] = eventId;
                time[n] = timeMillis;
                mag[n] = magnitude;
                lat[n] = latitude;
                lon[n] = longitude;
            }
            n++;
            return this;
        }

        private void grow(int cap) {
            x = Arrays.copyOf(x, cap * dim);
            s = Arrays.copyOf(s, cap);
            w = Arrays.copyOf(w, cap);
            base = Arrays.copyOf(base, cap);
            idx = Arrays.copyOf(idx, cap);
            if (withReportColumns) {
                id = Arrays.copyOf(id, cap);
                time = Arrays.copyOf(time, cap);
                mag = Arrays.copyOf(mag, cap);
                lat = Arrays.copyOf(lat, cap);
                lon = Arrays.copyOf(lon, cap);
            }
        }

        public int size() {
            return n;
        }

        public EventBlock build() {
            boolean r = withReportColumns;
            double[] columns = new double[n * dim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    columns[j * n + i] = x[i * dim + j];
                }
            }
            return new EventBlock(dim, columns, Arrays.copyOf(s, n), weighted ? Arrays.copyOf(w, n) : null,
                    Arrays.copyOf(base, n), Arrays.copyOf(idx, n), r ? Arrays.copyOf(id, n) : null,
                    r ? Arrays.copyOf(time, n) : null, r ? Arrays.copyOf(mag, n) : null, r ? Arrays.copyOf(lat, n) : null,
                    r ? Arrays.copyOf(lon, n) : null);
        }
    }
}
