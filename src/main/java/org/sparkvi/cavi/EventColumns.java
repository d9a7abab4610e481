package org.sparkvi.cavi;

import org.sparkvi.io.NumberText;

import org.sparkvi.io.CatalogueReader;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.UserInputException;

/**
 * The catalogue's columns that a fit reads, as one flat projection of primitive types that the columnar reader
 * fills and {@link EventParser} reads by ordinal, with no per-row objects. Every measurement becomes two columns:
 * its value as a double (null when absent or not a number) and, when the source column is not a double, the value
 * as written (text), which a rejection quotes. Text is a number only if it reads as a decimal number
 * ({@link NumberText#DECIMAL}) or as inf / infinity / nan (then "not finite"): forms that Java's parser also takes, such as
 * {@code 12f} or {@code 0x1p3}, mean nothing in a catalogue and are refused.
 */
public final class EventColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Ordinals of one measurement: its double value and its text as written (-1 when the source is a double). */
    public record Measure(String column, int value, int raw) implements Serializable {
        public boolean present() {
            return value >= 0;
        }
    }

    final Measure latitude;
    final Measure longitude;
    final Measure depth;
    final Measure[] x;
    final Measure strength;
    final Measure weight;
    final Measure mag;
    final int id;
    /** Epoch milliseconds (timestamps and numbers) or, for text, the text (parsed in Java: ISO-8601 with or without zone). */
    final int timeMillis;
    final int timeText;
    final int file;
    final int row;
    /** The record index column, or -1 when it is the file's offset plus the row (Parquet). */
    final int index;
    /** CSV: the raw line of a record whose field count differs from the header's (null when it agrees); else -1. */
    final int malformed;
    /** What the row column adds to make the row 1-based: 1 when it is Parquet's own 0-based row index. */
    final long rowBase;
    /** Whether the time column holds Spark timestamps (microseconds) rather than epoch milliseconds. */
    final boolean timeMicros;
    private final transient List<Column> projection;
    /** Per ordinal, the catalogue column read as it is (no cast), or null for a computed one (direct reading only). */
    private final transient List<String> plain;
    /** Whether the rows are {@link org.sparkvi.io.ParquetBatches}' views of column batches. */
    final boolean direct;

    public EventColumns(Dataset<Row> df, CoordinateSystem coords, StrengthSpec strengthSpec, String weightColumn,
                        boolean withIndex, String catalogueName) {
        this(df.schema(), coords, strengthSpec, weightColumn, withIndex, catalogueName, false);
    }

    /**
     * The columns as {@link org.sparkvi.io.ParquetBatches} gives them: the catalogue's own columns with no cast, then
     * the file and Parquet's 0-based row index. {@link #directColumns} says whether every column can be read so.
     */
    public static EventColumns direct(StructType schema, CoordinateSystem coords, StrengthSpec strengthSpec,
                                      String weightColumn, String catalogueName) {
        return new EventColumns(schema, coords, strengthSpec, weightColumn, false, catalogueName, true);
    }

    private EventColumns(StructType schema, CoordinateSystem coords, StrengthSpec strengthSpec, String weightColumn,
                         boolean withIndex, String catalogueName, boolean direct) {
        this.direct = direct;
        List<Column> p = new ArrayList<>();
        this.projection = p;
        this.plain = new ArrayList<>();
        boolean latLon = coords.usesLatLon();
        latitude = measure(p, schema, "latitude", latLon, catalogueName);
        longitude = measure(p, schema, "longitude", latLon, catalogueName);
        // depth only where the coordinates use it: no column is decoded, or its types compared across files, for nothing
        depth = coords.usesDepth() ? measure(p, schema, "depth", true, catalogueName) : new Measure("depth", -1, -1);
        x = new Measure[coords.xColumns().size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = measure(p, schema, coords.xColumns().get(j), true, catalogueName);
        }
        strength = measure(p, schema, strengthSpec.column(), true, catalogueName);
        weight = weightColumn == null ? new Measure(null, -1, -1) : measure(p, schema, weightColumn, true, catalogueName);
        mag = measure(p, schema, "mag", false, catalogueName);
        String idName = find(schema, "id");
        id = idName == null ? -1 : add(p, idName, DataTypes.StringType, schema);
        String timeName = find(schema, "time");
        DataType timeType = timeName == null ? null : schema.apply(timeName).dataType();
        timeMicros = direct && DataTypes.TimestampType.equals(timeType);
        if (timeName == null) {
            timeMillis = -1;
            timeText = -1;
        } else if (timeMicros) {
            timeMillis = add(p, timeName, DataTypes.TimestampType, schema);
            timeText = -1;
        } else if (timeType.equals(DataTypes.TimestampType)) {
            timeMillis = add(p, functions.unix_millis(col(q(timeName))));
            timeText = -1;
        } else if (timeType instanceof NumericType) {
            timeMillis = add(p, timeName, DataTypes.LongType, schema);
            timeText = -1;
        } else {
            timeMillis = -1;
            timeText = add(p, timeName, DataTypes.StringType, schema);
        }
        if (direct) { // what ParquetBatches puts after the columns asked for
            file = add(p, lit(null), FILE);
            row = add(p, lit(null), ROW);
            rowBase = 1;
        } else {
            file = add(p, col(CatalogueReader.SOURCE_FILE));
            row = add(p, col(CatalogueReader.SOURCE_ROW).cast(DataTypes.LongType));
            rowBase = 0;
        }
        index = withIndex ? add(p, col(CatalogueReader.RECORD_INDEX)) : -1;
        malformed = List.of(schema.fieldNames()).contains(CatalogueReader.MALFORMED_LINE)
                ? add(p, col(CatalogueReader.MALFORMED_LINE)) : -1;
    }

    private static final String FILE = "\0file";
    private static final String ROW = "\0row";

    /**
     * The catalogue columns to ask {@link org.sparkvi.io.ParquetBatches} for, in ordinal order (the file and row
     * follow them), or null when some column needs a cast to be read (then the SQL {@link #projection} reads them).
     */
    public List<String> directColumns() {
        // direct: no record index column, the file and row last; a cast, or CSV's malformed line, is a null entry
        if (!direct || plain.contains(null)) {
            return null;
        }
        return List.copyOf(plain.subList(0, file));
    }

    /** The catalogue's own names of the columns read (the aliases resolved), for checks across files. */
    public List<String> sourceColumns() {
        List<String> out = new ArrayList<>();
        for (Measure m : List.of(latitude, longitude, depth, strength, weight, mag)) {
            if (m.present()) {
                out.add(m.column());
            }
        }
        for (Measure m : x) {
            out.add(m.column());
        }
        return out;
    }

    /** The projection to select from the catalogue, in ordinal order. */
    public Column[] projection() {
        return projection.toArray(new Column[0]);
    }

    private int add(List<Column> p, Column c) {
        return add(p, c, null);
    }

    private int add(List<Column> p, Column c, String plainName) {
        p.add(c.as("_c" + p.size()));
        plain.add(plainName);
        return p.size() - 1;
    }

    /** The column as type t: read as it is when it already has that type, else cast. */
    private int add(List<Column> p, String name, DataType t, StructType schema) {
        Column c = col(q(name));
        return schema.apply(name).dataType().equals(t) ? add(p, c, name) : add(p, c.cast(t));
    }

    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String find(StructType schema, String column) {
        for (String n : schema.fieldNames()) {
            if (n.equalsIgnoreCase(column)) {
                return n;
            }
        }
        return null;
    }

    private Measure measure(List<Column> p, StructType schema, String column, boolean required, String catalogue) {
        String name = find(schema, column);
        if (name == null) {
            if (required) {
                List<String> shown = java.util.Arrays.stream(schema.fieldNames()).filter(n -> !n.startsWith("_source_")
                        && !n.startsWith("_record_")).toList();
                throw new UserInputException("column '" + column + "' not found in " + catalogue + "; its columns are " + shown);
            }
            return new Measure(column, -1, -1);
        }
        StructField f = schema.apply(name);
        Column c = col(q(name));
        DataType t = f.dataType();
        if (t.equals(DataTypes.DoubleType)) {
            return new Measure(name, add(p, c, name), -1);
        }
        if (t instanceof NumericType) {
            return new Measure(name, add(p, c.cast(DataTypes.DoubleType)), add(p, c.cast(DataTypes.StringType)));
        }
        if (t.equals(DataTypes.StringType)) {
            Column s = functions.trim(c);
            Column number = when(s.rlike(NumberText.DECIMAL).or(s.rlike(NumberText.SPECIAL)), s.try_cast(DataTypes.DoubleType));
            return new Measure(name, add(p, number), add(p, c));
        }
        // booleans, dates, structs…: present but never a number
        return new Measure(name, add(p, lit(null).cast(DataTypes.DoubleType)), add(p, c.cast(DataTypes.StringType)));
    }

}
