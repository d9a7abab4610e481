package org.sparkvi.cavi;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.unsafe.Platform;

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
    /**
     * Optional report columns (null when absent): ids as UTF-8 bytes end to end, event n's from idEnd[n-1] (0 for
     * n = 0) to idEnd[n] (an empty id is a missing one: a String each would cost ~50 bytes an event), time in ms
     * (Long.MIN_VALUE = missing), magnitude, lat/lon (NaN = missing).
     */
    public final byte[] idBytes;
    public final int[] idEnd;
    public final long[] timeMillis;
    public final double[] mag;
    public final double[] latitude;
    public final double[] longitude;

    public EventBlock(int dim, double[] x, double[] strength, double[] weight, double[] logBase, long[] index,
                      byte[] idBytes, int[] idEnd, long[] timeMillis, double[] mag, double[] latitude,
                      double[] longitude) {
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
        this.idBytes = idBytes;
        this.idEnd = idEnd;
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
        if (idEnd == null) {
            return "#" + index[n];
        }
        int from = n == 0 ? 0 : idEnd[n - 1];
        return idEnd[n] == from ? "#" + index[n]
                : new String(idBytes, from, idEnd[n] - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Approximate bytes held by the block's arrays. */
    public long bytes() {
        long b = 8L * (x.length + strength.length + logBase.length + index.length);
        b += weight == null ? 0 : 8L * weight.length;
        b += idBytes == null ? 0 : idBytes.length + 4L * idEnd.length;
        b += timeMillis == null ? 0 : 8L * timeMillis.length;
        b += mag == null ? 0 : 8L * (mag.length + latitude.length + longitude.length);
        return b;
    }

    /**
     * The same events in another coordinate system whose Jacobian is 1 (LOCAL_KM, ECEF), placed from latitude and
     * longitude; the block's own system must have a unit Jacobian too, so logBase = −log S! carries over.
     */
    public EventBlock withCoordinates(org.sparkvi.io.CoordinateSystem cs) {
        if (latitude == null) {
            throw new IllegalStateException("the block keeps no latitude and longitude");
        }
        Builder b = new Builder(cs.dim(), weight != null, true);
        double[] xs = new double[cs.dim()];
        for (int n = 0; n < size; n++) {
            double logJacobian = cs.toModel(latitude[n], longitude[n], null, xs);
            int from = n == 0 ? 0 : idEnd[n - 1];
            b.add(xs, strength[n], weight(n), logBase[n] + logJacobian, index[n], idBytes, Platform.BYTE_ARRAY_OFFSET + from,
                    idEnd[n] - from,
                    timeMillis[n], mag[n], latitude[n], longitude[n]);
        }
        return b.build();
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
        private byte[] idBytes = new byte[0];
        private int idLength;
        private int[] idEnd = new int[0];
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
            return add(xs, strength, weight, logBase, index, null, 0, 0, Long.MIN_VALUE, Double.NaN, Double.NaN, Double.NaN);
        }

        public Builder add(double[] xs, double strength, double weight, double logBase, long index,
                           String eventId, long timeMillis, double magnitude, double latitude, double longitude) {
            byte[] id = eventId == null ? null : eventId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return add(xs, strength, weight, logBase, index, id, Platform.BYTE_ARRAY_OFFSET, id == null ? 0 : id.length, timeMillis, magnitude,
                    latitude, longitude);
        }

        /**
         * Adds an event whose id is {@code idLen} UTF-8 bytes at {@code idFrom} in {@code idSource}, an address as
         * Spark's {@link Platform} takes it (a byte[] with BYTE_ARRAY_OFFSET, or a Spark row's own buffer); none when 0.
         */
        public Builder add(double[] xs, double strength, double weight, double logBase, long index,
                           Object idSource, long idFrom, int idLen, long timeMillis, double magnitude, double latitude,
                           double longitude) {
            if (n == s.length) {
                grow(Math.max(16, n * 2));
            }
            System.arraycopy(xs, 0, x, n * dim, dim);
            s[n] = strength;
            w[n] = weight;
            base[n] = logBase;
            idx[n] = index;
            if (withReportColumns) {
                if (idLength + idLen > idBytes.length) {
                    idBytes = Arrays.copyOf(idBytes, Math.max(idLength + idLen, idBytes.length * 2));
                }
                if (idLen > 0) {
                    Platform.copyMemory(idSource, idFrom, idBytes, Platform.BYTE_ARRAY_OFFSET + idLength, idLen);
                }
                idLength += idLen;
                idEnd[n] = idLength;
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
                idEnd = Arrays.copyOf(idEnd, cap);
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
                    Arrays.copyOf(base, n), Arrays.copyOf(idx, n), r ? Arrays.copyOf(idBytes, idLength) : null,
                    r ? Arrays.copyOf(idEnd, n) : null,
                    r ? Arrays.copyOf(time, n) : null, r ? Arrays.copyOf(mag, n) : null, r ? Arrays.copyOf(lat, n) : null,
                    r ? Arrays.copyOf(lon, n) : null);
        }
    }
}
