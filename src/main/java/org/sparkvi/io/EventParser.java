package org.sparkvi.io;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.cli.UserInputException;

/**
 * Turns a catalogue row (columns found by name, case-insensitively) into a {@link ParsedEvent}, or into a
 * {@link Rejection} naming the file, row, column and value. Values may be numbers or text (CSV is read as text).
 * Required: the location (latitude and longitude, or the x-columns), the strength, and the weight column if one is
 * named; id, time and mag are optional (missing → null in the report).
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest strength accepted: S·log λ stays far from overflow, and log S! is exact enough in double. */
    public static final int MAX_STRENGTH = 1_000_000_000;

    private final CoordinateSystem coords;
    private final StrengthSpec strength;
    private final String weightColumn;
    private final int latIdx;
    private final int lonIdx;
    private final int[] xIdx;
    private final int strengthIdx;
    private final int weightIdx;
    private final int idIdx;
    private final int timeIdx;
    private final int magIdx;
    private final int fileIdx;
    private final int rowIdx;

    public EventParser(StructType schema, CoordinateSystem coords, StrengthSpec strength, String weightColumn,
                       String catalogueName) {
        this.coords = coords;
        this.strength = strength;
        this.weightColumn = weightColumn;
        List<String> names = new ArrayList<>(List.of(schema.fieldNames()));
        boolean latLonRequired = coords.usesLatLon();
        this.latIdx = find(names, "latitude", latLonRequired, catalogueName);
        this.lonIdx = find(names, "longitude", latLonRequired, catalogueName);
        this.xIdx = new int[coords.xColumns().size()];
        for (int j = 0; j < xIdx.length; j++) {
            xIdx[j] = find(names, coords.xColumns().get(j), true, catalogueName);
        }
        this.strengthIdx = find(names, strength.column(), true, catalogueName);
        this.weightIdx = weightColumn == null ? -1 : find(names, weightColumn, true, catalogueName);
        this.idIdx = find(names, "id", false, catalogueName);
        this.timeIdx = find(names, "time", false, catalogueName);
        this.magIdx = find(names, "mag", false, catalogueName);
        this.fileIdx = find(names, CatalogueReader.SOURCE_FILE, false, catalogueName);
        this.rowIdx = find(names, CatalogueReader.SOURCE_ROW, false, catalogueName);
    }

    private static int find(List<String> names, String column, boolean required, String catalogue) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        if (required) {
            List<String> shown = names.stream().filter(n -> !n.startsWith("_source_")).toList();
            throw new UserInputException("column '" + column + "' not found in " + catalogue + "; its columns are " + shown);
        }
        return -1;
    }

    /** Either field of the result is null. */
    public record Result(ParsedEvent event, Rejection rejection) implements Serializable {
    }

    public Result parse(Row row, long index) {
        String file = fileIdx < 0 || row.isNullAt(fileIdx) ? "?" : row.get(fileIdx).toString();
        long rowNumber = rowIdx < 0 || row.isNullAt(rowIdx) ? index + 1 : ((Number) row.get(rowIdx)).longValue();
        Problem p = new Problem(file, rowNumber);
        double lat = Double.NaN;
        double lon = Double.NaN;
        if (latIdx >= 0) {
            lat = number(row, latIdx, "latitude", p, coords.usesLatLon());
            lon = number(row, lonIdx, "longitude", p, coords.usesLatLon());
            if (p.rejection != null) {
                return new Result(null, p.rejection);
            }
            if (!Double.isNaN(lat) && (lat < -90 || lat > 90)) {
                return p.reject("latitude", row.get(latIdx), "latitude_out_of_range");
            }
            if (!Double.isNaN(lon) && (lon < -180 || lon > 180)) {
                return p.reject("longitude", row.get(lonIdx), "longitude_out_of_range");
            }
        }
        double[] values = new double[xIdx.length];
        for (int j = 0; j < xIdx.length; j++) {
            values[j] = number(row, xIdx[j], coords.xColumns().get(j), p, true);
        }
        int s = strength(row, p);
        double w = 1.0;
        if (weightIdx >= 0) {
            w = number(row, weightIdx, weightColumn, p, true);
            if (p.rejection == null && w < 0) {
                return p.reject(weightColumn, row.get(weightIdx), "invalid_weight");
            }
        }
        if (p.rejection != null) {
            return new Result(null, p.rejection);
        }
        if (coords.kind() == CoordinateSystem.Kind.RADIAL
                && CoordinateSystem.greatCircleKm(lat, lon, coords.refLatitude(), coords.refLongitude()) <= 0) {
            return p.reject("latitude,longitude", lat + "," + lon, "zero_distance");
        }
        String id = idIdx < 0 || row.isNullAt(idIdx) ? null : row.get(idIdx).toString();
        long time = timeIdx < 0 ? Long.MIN_VALUE : timeMillis(row.get(timeIdx));
        double mag = magIdx < 0 || row.isNullAt(magIdx) ? Double.NaN : optionalNumber(row.get(magIdx));
        return new Result(new ParsedEvent(index, lat, lon, values, s, w, id, time, mag), null);
    }

    private int strength(Row row, Problem p) {
        if (p.rejection != null) {
            return 0;
        }
        double v = number(row, strengthIdx, strength.column(), p, true);
        if (p.rejection != null) {
            return 0;
        }
        if (strength.mag10()) {
            return (int) Math.max(0, Math.round(10 * v));
        }
        Object raw = row.get(strengthIdx);
        if (v < 0) {
            p.reject(strength.column(), raw, "negative_strength");
        } else if (v != Math.rint(v)) {
            p.reject(strength.column(), raw, "non_integer_strength");
        } else if (v > MAX_STRENGTH) {
            p.reject(strength.column(), raw, "strength_too_large");
        }
        return (int) v;
    }

    /** A finite number from a numeric or text value; records the first problem and returns NaN. */
    private static double number(Row row, int idx, String column, Problem p, boolean required) {
        if (p.rejection != null) {
            return Double.NaN;
        }
        Object raw = row.get(idx);
        if (raw == null || (raw instanceof String str && str.isBlank())) {
            if (required) {
                p.reject(column, raw, "missing_value");
            }
            return Double.NaN;
        }
        double v;
        if (raw instanceof Number n) {
            v = n.doubleValue();
        } else if (raw instanceof String str) {
            try {
                v = Double.parseDouble(str.trim());
            } catch (NumberFormatException e) {
                p.reject(column, raw, "not_a_number");
                return Double.NaN;
            }
        } else {
            p.reject(column, raw, "not_a_number");
            return Double.NaN;
        }
        if (!Double.isFinite(v)) {
            p.reject(column, raw, "not_finite");
            return Double.NaN;
        }
        return v;
    }

    private static double optionalNumber(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(raw.toString().trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Epoch milliseconds from a timestamp, a number of ms, or ISO-8601 text; Long.MIN_VALUE when absent or unreadable. */
    static long timeMillis(Object raw) {
        if (raw == null) {
            return Long.MIN_VALUE;
        }
        if (raw instanceof Timestamp t) {
            return t.getTime();
        }
        if (raw instanceof Instant i) {
            return i.toEpochMilli();
        }
        if (raw instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (raw instanceof Number n) {
            return n.longValue();
        }
        String s = raw.toString().trim();
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e2) {
                return Long.MIN_VALUE;
            }
        }
    }

    private static final class Problem {
        final String file;
        final long row;
        Rejection rejection;

        Problem(String file, long row) {
            this.file = file;
            this.row = row;
        }

        Result reject(String column, Object value, String reason) {
            if (rejection == null) {
                rejection = new Rejection(file, row, column, value == null ? null : value.toString(), reason);
            }
            return new Result(null, rejection);
        }
    }
}
