package org.sparkvi.cavi;

import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.sparkvi.io.CoordinateSystem;

/**
 * Reads a column batch whose every record is valid column by column, straight from its vectors, into the
 * partition's block: no row view, whose every access dispatches through the batch's array of vectors (the row
 * parser's own frames were about half of a 10⁷-event read's Java samples under JFR; the read's wall time, though,
 * went mostly to the collector and to the kernel faulting fresh pages, and did not measurably change: README). A
 * batch is taken only if every value that {@link EventParser}'s row parser checks is present and passes the check
 * it would make (the same predicates); the values kept are then those it would keep, computed by the same formulas.
 * Otherwise nothing is added and the caller reads the batch row by row, rejections and all.
 */
final class ColumnBatchReader {
    private final EventParser parser;
    private final EventParser.Reader reader;
    private final EventColumns cols;
    private final CoordinateSystem coords;
    private final int dim;
    private final double[] x;
    private final CoordinateSystem.Workspace work = new CoordinateSystem.Workspace();
    private final EventColumns.Measure[] checked;
    private double[][] located = new double[0][];
    private double[] strength = new double[0];
    private double[] weight = new double[0];
    private double[] logBase = new double[0];
    private double[] latitudes = new double[0];
    private double[] longitudes = new double[0];
    private double[] depths = new double[0];
    private double[][] values = new double[0][];
    private long[] indexes = new long[0];
    private long[] times = new long[0];
    private double[] mags = new double[0];
    private int[] idLength = new int[0];

    ColumnBatchReader(EventParser parser, EventParser.Reader reader) {
        this.parser = parser;
        this.reader = reader;
        this.cols = parser.cols;
        this.coords = parser.coords;
        this.dim = coords.dim();
        this.x = new double[dim];
        this.checked = checkedMeasures();
    }

    /** Adds the batch's records and returns true, or adds nothing and returns false when a record needs the row parser. */
    boolean read(ColumnarBatch b) {
        int n = b.numRows();
        if (n == 0) {
            return true;
        }
        reserve(n);
        // every column the row parser checks must be free of missing values (a missing optional latitude is NaN
        // there, a rejection in a required one: either way the row parser's)
        for (EventColumns.Measure m : checked) {
            if (b.column(m.value()).hasNull()) {
                return false;
            }
        }
        ColumnVector lat = column(b, cols.latitude);
        ColumnVector lon = column(b, cols.longitude);
        ColumnVector depth = coords.usesDepth() ? column(b, cols.depth) : null;
        ColumnVector s = column(b, cols.strength);
        ColumnVector w = parser.weighted ? column(b, cols.weight) : null;
        ColumnVector[] xs = new ColumnVector[cols.x.length];
        for (int j = 0; j < xs.length; j++) {
            xs[j] = column(b, cols.x[j]);
        }
        for (int i = 0; i < n; i++) {
            double la = lat == null ? Double.NaN : lat.getDouble(i);
            double lo = lon == null ? Double.NaN : lon.getDouble(i);
            // NaN fails every comparison: a non-finite value is refused with the out-of-range ones
            if (lat != null && !EventParser.latitudeInRange(la) || lon != null && !EventParser.longitudeInRange(lo)) {
                return false;
            }
            double d = Double.NaN;
            if (depth != null) {
                d = depth.getDouble(i);
                if (!EventParser.depthInRange(d)) {
                    return false;
                }
            }
            for (int j = 0; j < xs.length; j++) {
                values[j][i] = xs[j].getDouble(i);
                if (!Double.isFinite(values[j][i])) {
                    return false;
                }
            }
            double v = s.getDouble(i);
            if (!Double.isFinite(v) || parser.strengthProblem(v) != null) {
                return false;
            }
            double si = parser.strengthOf(v);
            double wi = 1.0;
            if (w != null) {
                wi = w.getDouble(i);
                if (!(Double.isFinite(wi) && EventParser.weightInRange(wi))) {
                    return false;
                }
            }
            if (parser.atTheStation(la, lo)) {
                return false;
            }
            latitudes[i] = la;
            longitudes[i] = lo;
            depths[i] = d;
            strength[i] = si;
            weight[i] = wi;
        }
        coords.toModel(latitudes, longitudes, depths, values, n, located, logBase, work);
        for (int i = 0; i < n; i++) {
            logBase[i] -= reader.logFactorial(strength[i]);
        }
        add(b, n);
        return true;
    }

    /** The batch's vector for a measure, or null when the catalogue has no such column. */
    private static ColumnVector column(ColumnarBatch b, EventColumns.Measure m) {
        return m.present() ? b.column(m.value()) : null;
    }

    /** The measures the row parser reads through its checks (required ones are present: EventColumns says so). */
    private EventColumns.Measure[] checkedMeasures() {
        java.util.List<EventColumns.Measure> out = new java.util.ArrayList<>(java.util.List.of(cols.x));
        out.add(cols.strength);
        if (parser.weighted) {
            out.add(cols.weight);
        }
        if (coords.usesDepth()) {
            out.add(cols.depth);
        }
        out.add(cols.latitude);
        out.add(cols.longitude);
        return out.stream().filter(EventColumns.Measure::present).toArray(EventColumns.Measure[]::new);
    }

    private void add(ColumnarBatch b, int n) {
        ColumnVector id = cols.id >= 0 ? b.column(cols.id) : null;
        boolean report = parser.reportColumns;
        // the ids are hashed (every one, as the row parser does) and, when their bytes lie one after another in the
        // batch (as Spark's reader leaves them), handed to the block in one copy: a copy per id of ~10 bytes was a
        // fifth of the read threads' Java samples
        boolean oneCopy = report && id != null && !id.hasNull();
        Object idBase = null;
        long idFrom = 0;
        int idTotal = 0;
        for (int i = 0; id != null && i < n; i++) {
            if (id.isNullAt(i)) {
                idLength[i] = 0;
                continue;
            }
            UTF8String u = id.getUTF8String(i);
            reader.hashId(u);
            idLength[i] = u.numBytes();
            if (i == 0) {
                idBase = u.getBaseObject();
                idFrom = u.getBaseOffset();
            } else if (u.getBaseObject() != idBase || u.getBaseOffset() != idFrom + idTotal) {
                oneCopy = false;
            }
            idTotal += idLength[i];
        }
        if (oneCopy) {
            reader.block.addIdBytes(idBase, idFrom, idTotal);
        }
        ColumnVector row = b.column(cols.row);
        long first = reader.offsetOf(b.column(cols.file).getUTF8String(0)) + cols.rowBase - 1;
        ColumnVector time = cols.timeMillis >= 0 ? b.column(cols.timeMillis) : null;
        ColumnVector text = cols.timeText >= 0 ? b.column(cols.timeText) : null;
        ColumnVector mag = cols.mag.present() ? b.column(cols.mag.value()) : null;
        for (int i = 0; i < n; i++) {
            indexes[i] = first + row.getLong(i);
        }
        for (int i = 0; report && i < n; i++) {
            long t = Long.MIN_VALUE;
            if (time != null) {
                t = time.isNullAt(i) ? Long.MIN_VALUE : parser.millis(time.getLong(i));
            } else if (text != null && !text.isNullAt(i)) {
                t = EventParser.timeMillis(text.getUTF8String(i).toString());
            }
            times[i] = t;
            mags[i] = mag == null || mag.isNullAt(i) ? Double.NaN : mag.getDouble(i);
        }
        if (id == null) {
            java.util.Arrays.fill(idLength, 0, n, 0);
        }
        if (!report || id == null || oneCopy) { // no ids, or their bytes given ahead: the block takes whole columns
            reader.block.addColumns(n, located, strength, weight, logBase, indexes, idLength, times, mags, latitudes,
                    longitudes);
        } else { // ids scattered over the batch (a dictionary's values, or missing ones): a copy per id
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    x[j] = located[j][i];
                }
                UTF8String u = idLength[i] == 0 ? null : id.getUTF8String(i);
                reader.block.add(x, strength[i], weight[i], logBase[i], indexes[i], u == null ? null : u.getBaseObject(),
                        u == null ? 0 : u.getBaseOffset(), idLength[i], times[i], mags[i], latitudes[i], longitudes[i]);
            }
        }
        reader.records += n;
    }

    private void reserve(int n) {
        if (strength.length >= n) {
            return;
        }
        located = new double[dim][n];
        strength = new double[n];
        weight = new double[n];
        logBase = new double[n];
        idLength = new int[n];
        latitudes = new double[n];
        longitudes = new double[n];
        depths = new double[n];
        values = new double[cols.x.length][n];
        indexes = new long[n];
        times = new long[n];
        mags = new double[n];
    }
}
