package org.sparkvi.cavi;

import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.ParquetFooters;
import org.sparkvi.io.Rejection;
import org.sparkvi.io.StrengthSpec;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads a partition of the {@link EventColumns} projection straight from Spark's rows into one columnar
 * {@link EventBlock} and a quarantine: no object per event, one pass. A record is rejected, with its file, row,
 * column, value as written and a reason key, at its first problem, checked in this order: a CSV record whose
 * number of fields differs from the header's (column {@code *}, value the raw line), latitude and longitude
 * (a number, finite, in range), depth (for hypocentres), the x-columns, the strength, the weight, the distance
 * from the station (radial).
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Where a malformed record's problem is: the whole row. */
    static final EventColumns.Measure WHOLE_ROW = new EventColumns.Measure("*", -1, -1);
    /** Largest strength accepted: S·log λ stays far from overflow, and log S! is exact enough in double. */
    public static final int MAX_STRENGTH = 1_000_000_000;
    /** Depths a hypocentre may have, km (ComCat has events a few km above sea level; the deepest are near 700 km). */
    public static final double MIN_DEPTH_KM = -10;
    public static final double MAX_DEPTH_KM = 1000;
    /** log S! is tabulated below this strength (every mag10 strength): Gamma.logGamma costs as much as the rest of a row. */
    private static final int LOG_FACTORIAL_TABLE = 1024;

    final EventColumns cols;
    final CoordinateSystem coords;
    private final StrengthSpec strength;
    final boolean weighted;
    final boolean reportColumns;
    /** Whether the blocks keep latitude and longitude (only with the report columns, and where X does not give them back). */
    final boolean latLonColumns;
    /** The first record index of each file (by path), when the projection has no index column. */
    private final Map<String, Long> fileOffsets;

    public EventParser(EventColumns cols, CoordinateSystem coords, StrengthSpec strength, boolean weighted,
                       boolean reportColumns, boolean latLonColumns, Map<String, Long> fileOffsets) {
        this.cols = cols;
        this.coords = coords;
        this.strength = strength;
        this.weighted = weighted;
        this.reportColumns = reportColumns;
        this.latLonColumns = reportColumns && latLonColumns;
        this.fileOffsets = fileOffsets;
    }

    /** Reads every row of a partition. */
    public CataloguePartition parse(Iterator<InternalRow> rows) {
        return parse(rows, 0);
    }

    /** Reads every row of a partition expected to hold about {@code expectedRows} rows (0: unknown). */
    public CataloguePartition parse(Iterator<InternalRow> rows, int expectedRows) {
        Reader r = new Reader(expectedRows);
        while (rows.hasNext()) {
            r.readRecord(rows.next());
        }
        return r.finish();
    }

    /**
     * Reads a partition of {@link org.sparkvi.io.ParquetBatches}' column batches (this parser's columns must be
     * {@link EventColumns#direct}): a batch whose every record is valid is read column by column
     * ({@link ColumnBatchReader}); a batch holding any missing, non-finite or out-of-range value is read row by row, so
     * that its records are accepted, and rejected, exactly as {@link #parse} would.
     */
    public CataloguePartition parseBatches(Iterator<ColumnarBatch> batches, int expectedRows) {
        if (!cols.direct) {
            throw new IllegalStateException("column batches need the direct columns");
        }
        Reader r = new Reader(expectedRows);
        ColumnBatchReader fast = new ColumnBatchReader(this, r);
        while (batches.hasNext()) {
            ColumnarBatch b = batches.next();
            if (!fast.read(b)) {
                for (Iterator<InternalRow> rows = b.rowIterator(); rows.hasNext(); ) {
                    r.readRecord(rows.next());
                }
            }
        }
        return r.finish();
    }

    /** The state of one partition's pass: the builder, the quarantine and the first problem of the current row. */
    final class Reader {
        final EventBlock.Builder block;
        final List<Rejection> rejections = new ArrayList<>();
        final TreeMap<String, Long> byReason = new TreeMap<>();
        final double[] x = new double[coords.dim()];
        final double[] values = new double[cols.x.length];
        final double[] logFactorial = new double[LOG_FACTORIAL_TABLE];
        UTF8String lastFile;
        UTF8String lastFileSeen;
        long[] idHashes;
        int idCount;
        long lastOffset;
        long records;
        InternalRow row;
        /** The current row's first problem, or null. */
        String reason;
        EventColumns.Measure where;
        String value;

        Reader(int expectedRows) {
            block = new EventBlock.Builder(coords.dim(), weighted, reportColumns, latLonColumns, expectedRows);
            idHashes = new long[cols.id >= 0 ? Math.max(0, expectedRows) : 0];
            for (int s = 0; s < LOG_FACTORIAL_TABLE; s++) {
                logFactorial[s] = Gamma.logGamma(s + 1.0);
            }
        }

        void readRecord(InternalRow r) {
            row = r;
            records++;
            hashId();
            reason = null;
            readRow();
            if (reason != null) {
                Rejection rejected = new Rejection(file().toString(), rowNumber(), where == null ? "latitude,longitude"
                        : where.column(), value, reason);
                rejections.add(rejected);
                byReason.merge(reason, 1L, Long::sum);
            }
        }

        CataloguePartition finish() {
            IdHashBuckets.Grouped hashes = cols.id >= 0 ? IdHashBuckets.group(idHashes, idCount) : null;
            return new CataloguePartition(block.build(), rejections, records, byReason,
                    new CataloguePartition.IdHashes(hashes));
        }

        private void hashId() {
            if (cols.id < 0 || row.isNullAt(cols.id)) {
                return;
            }
            hashId(row.getUTF8String(cols.id));
        }

        void hashId(UTF8String id) {
            if (idCount == idHashes.length) {
                idHashes = java.util.Arrays.copyOf(idHashes, Math.max(1024, 2 * idCount));
            }
            idHashes[idCount++] = org.apache.spark.sql.catalyst.expressions.XXH64.hashUnsafeBytes(id.getBaseObject(),
                    id.getBaseOffset(), id.numBytes(), 42L);
        }

        private UTF8String file() {
            return row.isNullAt(cols.file) ? UTF8String.fromString("?") : row.getUTF8String(cols.file);
        }

        private long rowNumber() {
            return row.getLong(cols.row) + cols.rowBase;
        }

        private long index() {
            if (cols.index >= 0) {
                return row.getLong(cols.index);
            }
            return offsetOf(file()) + rowNumber() - 1;
        }

        /** The first record index of the file whose path is {@code f}. */
        long offsetOf(UTF8String f) {
            // a column batch hands out one immutable path object for all its rows: its bytes are compared once a
            // batch (a Spark row's string is a view of a reused buffer: compared every row)
            if (!(cols.direct && f == lastFileSeen) && !f.equals(lastFile)) {
                lastFile = f.copy();
                Long offset = fileOffsets.get(ParquetFooters.metadataPath(lastFile.toString()));
                if (offset == null) {
                    throw new IllegalStateException("no record offset for " + lastFile);
                }
                lastOffset = offset;
            }
            lastFileSeen = f;
            return lastOffset;
        }

        private void reject(EventColumns.Measure m, String raw, String why) {
            if (reason == null) {
                reason = why;
                where = m;
                value = raw;
            }
        }

        /** The value as written: the text for text and integer columns, the double itself for a double column. */
        private String raw(EventColumns.Measure m) {
            if (m.raw() >= 0) {
                return row.isNullAt(m.raw()) ? null : row.getUTF8String(m.raw()).toString();
            }
            return row.isNullAt(m.value()) ? null : Double.toString(row.getDouble(m.value()));
        }

        /** A finite number, or NaN after recording the problem (a missing value only when it is required). */
        private double number(EventColumns.Measure m, boolean required, String missingReason) {
            if (reason != null || !m.present()) {
                return Double.NaN;
            }
            if (row.isNullAt(m.value())) {
                String raw = raw(m);
                if (raw == null || raw.isBlank()) {
                    if (required) {
                        reject(m, raw, missingReason);
                    }
                } else {
                    reject(m, raw, "not_a_number");
                }
                return Double.NaN;
            }
            double v = row.getDouble(m.value());
            if (!Double.isFinite(v)) {
                reject(m, raw(m), "not_finite");
                return Double.NaN;
            }
            return v;
        }

        private void readRow() {
            if (cols.malformed >= 0 && !row.isNullAt(cols.malformed)) {
                reject(WHOLE_ROW, row.getUTF8String(cols.malformed).toString(), "malformed_row");
                return;
            }
            boolean latLon = coords.usesLatLon();
            double lat = number(cols.latitude, latLon, "missing_value");
            double lon = number(cols.longitude, latLon, "missing_value");
            if (reason != null) {
                return;
            }
            if (!Double.isNaN(lat) && !latitudeInRange(lat)) {
                reject(cols.latitude, raw(cols.latitude), "latitude_out_of_range");
                return;
            }
            if (!Double.isNaN(lon) && !longitudeInRange(lon)) {
                reject(cols.longitude, raw(cols.longitude), "longitude_out_of_range");
                return;
            }
            double depth = Double.NaN;
            if (coords.usesDepth()) {
                depth = number(cols.depth, true, "missing_depth");
                if (reason == null && !depthInRange(depth)) {
                    reject(cols.depth, raw(cols.depth), "depth_out_of_range");
                }
            }
            for (int j = 0; j < values.length; j++) {
                values[j] = number(cols.x[j], true, "missing_value");
            }
            double s = strength();
            double w = 1.0;
            if (weighted) {
                w = number(cols.weight, true, "missing_value");
                if (reason == null && !weightInRange(w)) {
                    reject(cols.weight, raw(cols.weight), "invalid_weight");
                }
            }
            if (reason != null) {
                return;
            }
            if (atTheStation(lat, lon)) {
                reason = "zero_distance";
                where = null;
                value = lat + "," + lon;
                return;
            }
            double logBase = coords.toModel(lat, lon, depth, values, x) - logFactorial(s);
            long index = index();
            if (!reportColumns) {
                block.add(x, s, w, logBase, index);
                return;
            }
            Object idBase = null;
            long idOffset = 0;
            int idLen = 0;
            if (cols.id >= 0 && !row.isNullAt(cols.id)) {
                UTF8String id = row.getUTF8String(cols.id);
                idBase = id.getBaseObject();
                idOffset = id.getBaseOffset();
                idLen = id.numBytes();
            }
            double mag = cols.mag.present() && !row.isNullAt(cols.mag.value()) ? row.getDouble(cols.mag.value()) : Double.NaN;
            block.add(x, s, w, logBase, index, idBase, idOffset, idLen, time(), mag, lat, lon);
        }

        /** log S! for a valid strength. */
        double logFactorial(double s) {
            int si = (int) s;
            return si < LOG_FACTORIAL_TABLE ? logFactorial[si] : Gamma.logGamma(s + 1.0);
        }

        /** S_n: mag10 = round(10·mag) clipped at 0, range-checked before the cast; or a non-negative whole number. */
        private double strength() {
            double v = number(cols.strength, true, "missing_value");
            if (reason != null) {
                return 0;
            }
            String problem = strengthProblem(v);
            if (problem != null) {
                reject(cols.strength, raw(cols.strength), problem);
                return 0;
            }
            return strengthOf(v);
        }

        private long time() {
            if (cols.timeMillis >= 0) {
                return row.isNullAt(cols.timeMillis) ? Long.MIN_VALUE : millis(row.getLong(cols.timeMillis));
            }
            if (cols.timeText >= 0 && !row.isNullAt(cols.timeText)) {
                return timeMillis(row.getUTF8String(cols.timeText).toString());
            }
            return Long.MIN_VALUE;
        }
    }

    /** The time column's value as epoch milliseconds. */
    long millis(long t) {
        return cols.timeMicros ? Math.floorDiv(t, 1000L) : t; // as Spark's unix_millis rounds
    }

    /** Why the strength column's value (finite) gives no S_n, as a rejection reason; null when it gives one. */
    String strengthProblem(double v) {
        if (strength.mag10()) {
            return 10 * v > MAX_STRENGTH ? "strength_too_large" : null;
        }
        return v < 0 ? "negative_strength" : v != Math.rint(v) ? "non_integer_strength"
                : v > MAX_STRENGTH ? "strength_too_large" : null;
    }

    /** S_n from a value without a {@link #strengthProblem}: mag10 = round(10·mag) clipped at 0, else the value. */
    double strengthOf(double v) {
        return strength.mag10() ? Math.max(0, Math.round(10 * v)) : v;
    }

    /** Latitude, longitude and depth within their ranges (false for NaN), the checks both parsers make. */
    static boolean latitudeInRange(double v) {
        return v >= -90 && v <= 90;
    }

    static boolean longitudeInRange(double v) {
        return v >= -180 && v <= 180;
    }

    static boolean depthInRange(double km) {
        return km >= MIN_DEPTH_KM && km <= MAX_DEPTH_KM;
    }

    /** A finite weight's check. */
    static boolean weightInRange(double w) {
        return w >= 0;
    }

    /** Radial coordinates only: the event lies at the station itself, where log r is not defined. */
    boolean atTheStation(double lat, double lon) {
        return coords.kind() == CoordinateSystem.Kind.RADIAL
                && CoordinateSystem.greatCircleKm(lat, lon, coords.refLatitude(), coords.refLongitude()) <= 0;
    }

    /** Epoch milliseconds from ISO-8601 text, with or without a zone (UTC); Long.MIN_VALUE when unreadable. */
    static long timeMillis(String text) {
        String s = text.trim();
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e2) {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e3) {
                    return Long.MIN_VALUE;
                }
            }
        }
    }
}
