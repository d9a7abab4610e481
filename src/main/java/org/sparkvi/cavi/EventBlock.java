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
     * (Long.MIN_VALUE = missing), magnitude, lat/lon (NaN = missing; the lat/lon columns also null where the
     * coordinate system gives them back from X: {@link org.sparkvi.io.CoordinateSystem#recoversLatLon}).
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
        return hasId(n) ? new String(idBytes, idFrom(n), idEnd[n] - idFrom(n), java.nio.charset.StandardCharsets.UTF_8)
                : missingId(n);
    }

    /** Whether event n has an id of its own (an empty one is a missing one). */
    boolean hasId(int n) {
        return idEnd != null && idEnd[n] > idFrom(n);
    }

    /** Where event n's id starts in {@link #idBytes}; it ends at idEnd[n]. */
    int idFrom(int n) {
        return n == 0 ? 0 : idEnd[n - 1];
    }

    /** What stands for a missing id: "#" and the record index. */
    String missingId(int n) {
        return "#" + index[n];
    }

    /** Approximate bytes held by the block's arrays. */
    public long bytes() {
        long b = 8L * (x.length + strength.length + logBase.length + index.length);
        b += weight == null ? 0 : 8L * weight.length;
        b += idBytes == null ? 0 : idBytes.length + 4L * idEnd.length;
        b += timeMillis == null ? 0 : 8L * timeMillis.length;
        b += mag == null ? 0 : 8L * mag.length;
        b += latitude == null ? 0 : 8L * (latitude.length + longitude.length);
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
        Builder b = new Builder(cs.dim(), weight != null, true, !cs.recoversLatLon(), 0);
        double[] xs = new double[cs.dim()];
        for (int n = 0; n < size; n++) {
            double logJacobian = cs.toModel(latitude[n], longitude[n], null, xs);
            int from = idFrom(n);
            b.add(xs, strength[n], weight(n), logBase[n] + logJacobian, index[n], idBytes, Platform.BYTE_ARRAY_OFFSET + from,
                    idEnd[n] - from, timeMillis[n], mag[n], latitude[n], longitude[n]);
        }
        return b.build();
    }

    /**
     * Collects events one at a time (the optional columns only if asked for) into chunks, and builds the block's
     * exact-size columns once at the end: no doubling of ever larger arrays (above a few MB each is a "humongous"
     * allocation that sets off G1 collections: 34 of them while a 10⁷-event catalogue was read). Chunks hold x
     * column by column, as the block does, so each column is copied with one arraycopy. Given the number of events
     * to expect (a Parquet split's row count, from its footers), the first chunk is that large: when exactly that
     * many events arrive its arrays become the block's, with no copy at all; fewer (rejections) costs one copy,
     * more a second chunk.
     */
    public static final class Builder {
        static final int CHUNK = 1 << 15;
        private static final int ID_CHUNK = 1 << 20;
        private final int dim;
        private final boolean weighted;
        private final boolean withReportColumns;
        private final boolean withLatLon;
        private final int expected;
        private final java.util.List<Chunk> chunks = new java.util.ArrayList<>();
        private final java.util.List<byte[]> idChunks = new java.util.ArrayList<>();
        private Chunk last;
        private byte[] ids;
        private int idsUsed;
        private int n;
        private int idLength;
        /** Id bytes that belong to events added so far (the rest were given ahead of their events). */
        private int idAssigned;

        /** Chunk-local columns; x column by column: x[j * capacity + i]. */
        private final class Chunk {
            final int capacity;
            final double[] x;
            final double[] s;
            final double[] w;
            final double[] base;
            final long[] idx;
            final int[] idEnd;
            final long[] time;
            final double[] mag;
            final double[] lat;
            final double[] lon;
            int used;

            Chunk(int capacity) {
                this.capacity = capacity;
                boolean r = withReportColumns;
                x = new double[capacity * dim];
                s = new double[capacity];
                w = weighted ? new double[capacity] : null;
                base = new double[capacity];
                idx = new long[capacity];
                idEnd = r ? new int[capacity] : null;
                time = r ? new long[capacity] : null;
                mag = r ? new double[capacity] : null;
                lat = withLatLon ? new double[capacity] : null;
                lon = withLatLon ? new double[capacity] : null;
            }
        }

        public Builder(int dim, boolean weighted, boolean withReportColumns) {
            this(dim, weighted, withReportColumns, 0);
        }

        /** {@code expected}: how many events to expect (a hint: 0 when unknown; more or fewer are fine). */
        public Builder(int dim, boolean weighted, boolean withReportColumns, int expected) {
            this(dim, weighted, withReportColumns, withReportColumns, expected);
        }

        /** {@code withLatLon}: keep latitude and longitude too (a report column, but not needed where X gives them back). */
        public Builder(int dim, boolean weighted, boolean withReportColumns, boolean withLatLon, int expected) {
            if (withLatLon && !withReportColumns) {
                throw new IllegalArgumentException("latitude and longitude are kept only with the other report columns");
            }
            this.dim = dim;
            this.weighted = weighted;
            this.withReportColumns = withReportColumns;
            this.withLatLon = withLatLon;
            this.expected = Math.max(0, expected);
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
         * Spark's {@link Platform} takes it (a byte[] with BYTE_ARRAY_OFFSET, or a Spark row's own buffer); none when
         * 0. A null {@code idSource} with {@code idLen > 0}: the id is the next {@code idLen} bytes of those given
         * ahead by {@link #addIdBytes}.
         */
        public Builder add(double[] xs, double strength, double weight, double logBase, long index,
                           Object idSource, long idFrom, int idLen, long timeMillis, double magnitude, double latitude,
                           double longitude) {
            Chunk c = room();
            int i = c.used;
            for (int j = 0; j < dim; j++) {
                c.x[j * c.capacity + i] = xs[j];
            }
            c.s[i] = strength;
            if (weighted) {
                c.w[i] = weight;
            }
            c.base[i] = logBase;
            c.idx[i] = index;
            if (withReportColumns) {
                if (idLen > 0 && idSource != null) {
                    addIdBytes(idSource, idFrom, idLen);
                }
                idAssigned += idLen;
                c.idEnd[i] = idAssigned;
                c.time[i] = timeMillis;
                c.mag[i] = magnitude;
                if (withLatLon) {
                    c.lat[i] = latitude;
                    c.lon[i] = longitude;
                }
            }
            c.used++;
            n++;
            return this;
        }

        /** The chunk to add to, with room for one event at least. */
        private Chunk room() {
            if (last == null || last.used == last.capacity) {
                // the expected size first; then small blocks stay small: chunks grow from 1,024 events up to CHUNK
                last = new Chunk(n == 0 && expected > 0 ? expected : Math.min(CHUNK, Math.max(1024, n)));
                chunks.add(last);
            }
            return last;
        }

        /**
         * Adds {@code count} events given as columns, a column at a time (what {@link #add} does event by event):
         * x[j][i], strength, weight (read only when weighted), logBase and index; with the report columns, ids of
         * idLength[i] bytes given ahead by {@link #addIdBytes}, time, mag, and lat/lon when kept.
         */
        public Builder addColumns(int count, double[][] x, double[] strength, double[] weight, double[] logBase,
                                  long[] index, int[] idLength, long[] time, double[] mag, double[] lat, double[] lon) {
            int done = 0;
            while (done < count) {
                Chunk c = room();
                int at = c.used;
                int m = Math.min(count - done, c.capacity - at);
                for (int j = 0; j < dim; j++) {
                    System.arraycopy(x[j], done, c.x, j * c.capacity + at, m);
                }
                System.arraycopy(strength, done, c.s, at, m);
                if (weighted) {
                    System.arraycopy(weight, done, c.w, at, m);
                }
                System.arraycopy(logBase, done, c.base, at, m);
                System.arraycopy(index, done, c.idx, at, m);
                if (withReportColumns) {
                    for (int i = 0; i < m; i++) {
                        idAssigned += idLength[done + i];
                        c.idEnd[at + i] = idAssigned;
                    }
                    System.arraycopy(time, done, c.time, at, m);
                    System.arraycopy(mag, done, c.mag, at, m);
                    if (withLatLon) {
                        System.arraycopy(lat, done, c.lat, at, m);
                        System.arraycopy(lon, done, c.lon, at, m);
                    }
                }
                c.used += m;
                n += m;
                done += m;
            }
            return this;
        }

        /** Appends the ids of events about to be added, in their order, in one copy (see {@link #add}). */
        public void addIdBytes(Object source, long from, int len) {
            int done = 0;
            while (done < len) {
                if (ids == null || idsUsed == ids.length) {
                    ids = new byte[Math.min(ID_CHUNK, Math.max(16_384, idLength))];
                    idChunks.add(ids);
                    idsUsed = 0;
                }
                int take = Math.min(len - done, ids.length - idsUsed);
                Platform.copyMemory(source, from + done, ids, Platform.BYTE_ARRAY_OFFSET + idsUsed, take);
                idsUsed += take;
                done += take;
            }
            idLength += len;
        }

        public int size() {
            return n;
        }

        public EventBlock build() {
            if (idAssigned != idLength) {
                throw new IllegalStateException(idLength + " id bytes given for " + idAssigned + " bytes of ids");
            }
            boolean r = withReportColumns;
            byte[] idBytes = null;
            if (r) {
                idBytes = new byte[idLength];
                int pos = 0;
                for (byte[] chunk : idChunks) {
                    int m = Math.min(chunk.length, idLength - pos);
                    System.arraycopy(chunk, 0, idBytes, pos, m);
                    pos += m;
                }
            }
            if (chunks.size() == 1 && last.used == last.capacity) { // exactly as many events as expected: no copy
                Chunk c = last;
                return new EventBlock(dim, c.x, c.s, c.w, c.base, c.idx, idBytes, c.idEnd, c.time, c.mag, c.lat, c.lon);
            }
            double[] columns = new double[n * dim];
            double[] s = new double[n];
            double[] w = weighted ? new double[n] : null;
            double[] base = new double[n];
            long[] idx = new long[n];
            int[] idEnd = r ? new int[n] : null;
            long[] time = r ? new long[n] : null;
            double[] mag = r ? new double[n] : null;
            double[] lat = withLatLon ? new double[n] : null;
            double[] lon = withLatLon ? new double[n] : null;
            int at = 0;
            for (Chunk c : chunks) {
                int m = c.used;
                for (int j = 0; j < dim; j++) {
                    System.arraycopy(c.x, j * c.capacity, columns, j * n + at, m);
                }
                System.arraycopy(c.s, 0, s, at, m);
                if (weighted) {
                    System.arraycopy(c.w, 0, w, at, m);
                }
                System.arraycopy(c.base, 0, base, at, m);
                System.arraycopy(c.idx, 0, idx, at, m);
                if (r) {
                    System.arraycopy(c.idEnd, 0, idEnd, at, m);
                    System.arraycopy(c.time, 0, time, at, m);
                    System.arraycopy(c.mag, 0, mag, at, m);
                }
                if (withLatLon) {
                    System.arraycopy(c.lat, 0, lat, at, m);
                    System.arraycopy(c.lon, 0, lon, at, m);
                }
                at += m;
            }
            return new EventBlock(dim, columns, s, w, base, idx, idBytes, idEnd, time, mag, lat, lon);
        }
    }
}
