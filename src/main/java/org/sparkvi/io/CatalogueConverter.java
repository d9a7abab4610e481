package org.sparkvi.io;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.FractionalType;
import org.sparkvi.UserInputException;
import org.sparkvi.spark.SparkSessions;

/**
 * Writes a catalogue as Parquet with the ComCat columns typed: times as timestamps, measurements as doubles,
 * counts as integers, the rest as read. A value that cannot be typed is not turned into a null: the conversion
 * stops with an error naming the file, row, column and value of the first ones, and writes nothing. What a number
 * is, is what {@code cavi} reads as one; a CSV record with more or fewer fields than the header also stops it.
 */
public final class CatalogueConverter {
    /** ComCat columns and their Parquet types. */
    static final Map<String, DataType> TYPES = Map.ofEntries(
            Map.entry("time", DataTypes.TimestampType), Map.entry("updated", DataTypes.TimestampType),
            Map.entry("latitude", DataTypes.DoubleType), Map.entry("longitude", DataTypes.DoubleType),
            Map.entry("depth", DataTypes.DoubleType), Map.entry("mag", DataTypes.DoubleType),
            Map.entry("gap", DataTypes.DoubleType), Map.entry("dmin", DataTypes.DoubleType),
            Map.entry("rms", DataTypes.DoubleType), Map.entry("cdi", DataTypes.DoubleType),
            Map.entry("mmi", DataTypes.DoubleType), Map.entry("horizontalError", DataTypes.DoubleType),
            Map.entry("depthError", DataTypes.DoubleType), Map.entry("magError", DataTypes.DoubleType),
            Map.entry("nst", DataTypes.IntegerType), Map.entry("magNst", DataTypes.IntegerType),
            Map.entry("sig", DataTypes.IntegerType), Map.entry("felt", DataTypes.IntegerType),
            Map.entry("tsunami", DataTypes.IntegerType), Map.entry("tz", DataTypes.IntegerType));
    static final int SHOWN = 5;

    private CatalogueConverter() {
    }

    /**
     * A value as {@code target}, or null when it is not one. Text is a number only as {@code cavi} reads it
     * ({@link EventColumns#DECIMAL}, or inf / infinity / nan): Spark's cast would also take {@code 12f}, {@code 35.5d}
     * or {@code 0x1p3}, which no catalogue means. An integer column takes a whole number in the int range, written
     * as {@code 12}, {@code 12.0} or {@code 1.2e1}, as {@code cavi} takes it for a strength: never a fraction cut.
     */
    static Column typed(Column c, DataType source, DataType target) {
        boolean integer = target.equals(DataTypes.IntegerType);
        Column number;
        if (!integer && !target.equals(DataTypes.DoubleType)) {
            return c.try_cast(target);
        }
        if (source.equals(DataTypes.StringType)) {
            Column s = functions.trim(c);
            number = functions.when(s.rlike(NumberText.DECIMAL).or(s.rlike(NumberText.SPECIAL)),
                    s.try_cast(DataTypes.DoubleType));
        } else if (integer && (source instanceof FractionalType)) {
            number = c.cast(DataTypes.DoubleType);
        } else {
            return c.try_cast(target);
        }
        if (!integer) {
            return number;
        }
        return functions.when(number.between(Integer.MIN_VALUE, Integer.MAX_VALUE).and(number.equalTo(functions.rint(number))),
                number.cast(DataTypes.IntegerType));
    }

    /** A CSV record whose number of fields differs from the header's cannot be converted: its columns are unknown. */
    private static void refuseMalformedRows(SparkSession spark, String input, Dataset<Row> df) {
        if (!List.of(df.columns()).contains(CatalogueReader.MALFORMED_LINE)) {
            return;
        }
        List<String> added = List.of(CatalogueReader.SOURCE_FILE, CatalogueReader.SOURCE_ROW, CatalogueReader.RECORD_INDEX,
                CatalogueReader.SOURCE_FIELDS, CatalogueReader.MALFORMED_LINE);
        long header = java.util.Arrays.stream(df.columns()).filter(c -> !added.contains(c)).count();
        List<Row> rows = SparkSessions.describe(spark, "Convert " + input + ": find records whose field count is wrong",
                () -> df.where(col(CatalogueReader.MALFORMED_LINE).isNotNull())
                        .select(col(CatalogueReader.SOURCE_FILE), col(CatalogueReader.SOURCE_ROW),
                                col(CatalogueReader.SOURCE_FIELDS), col(CatalogueReader.MALFORMED_LINE))
                        .orderBy(CatalogueReader.RECORD_INDEX).limit(SHOWN).collectAsList());
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder("cannot convert " + input + ": records whose number of fields is not the "
                + "header's " + header + " (a decimal comma or an unquoted comma in a value?)");
        for (Row r : rows) {
            int fields = r.getInt(2);
            msg.append(String.format("%n  file %s, row %d: %s: '%s'", r.getString(0), r.getLong(1),
                    fields < 0 ? "unreadable" : fields + (fields == 1 ? " field" : " fields"), r.getString(3)));
        }
        throw new UserInputException(msg.toString());
    }

    /** Converts and returns the number of rows written. */
    public static long convert(SparkSession spark, String input, CatalogueFormat format, OutputRequest output) {
        try {
            return convertOrFail(spark, input, format, output);
        } catch (Exception e) { // SparkException is checked, yet thrown by Scala code
            throw CatalogueFiles.translate(e);
        }
    }

    private static long convertOrFail(SparkSession spark, String input, CatalogueFormat format, OutputRequest output) {
        Dataset<Row> df = CatalogueReader.read(spark, input, format);
        refuseMalformedRows(spark, input, df);
        List<Column> typed = new ArrayList<>();
        List<Column> bad = new ArrayList<>();
        for (String name : df.columns()) {
            if (name.startsWith("_")) {
                continue;
            }
            DataType t = TYPES.get(name);
            Column c = col("`" + name.replace("`", "``") + "`");
            DataType source = df.schema().apply(name).dataType();
            if (t == null || source.equals(t)) {
                typed.add(c);
                continue;
            }
            Column cast = typed(c, source, t);
            typed.add(cast.as(name));
            // a value that was there (not null or blank) and did not survive the cast
            bad.add(functions.when(c.isNotNull().and(functions.trim(c.cast(DataTypes.StringType)).notEqual(""))
                    .and(cast.isNull()), functions.lit(name)));
        }
        if (!bad.isEmpty()) {
            Column badColumn = functions.coalesce(bad.toArray(new Column[0]));
            List<Row> rows = SparkSessions.describe(spark, "Convert " + input + ": find values that cannot be typed",
                    () -> df.withColumn("_bad", badColumn).where(col("_bad").isNotNull())
                            .select(col(CatalogueReader.SOURCE_FILE), col(CatalogueReader.SOURCE_ROW), col("_bad"),
                                    col(CatalogueReader.RECORD_INDEX))
                            .orderBy(CatalogueReader.RECORD_INDEX).limit(SHOWN).collectAsList());
            if (!rows.isEmpty()) {
                StringBuilder msg = new StringBuilder("cannot convert " + input + ": values that are not of their column's type");
                for (Row r : rows) {
                    String column = r.getString(2);
                    Object value = df.where(col(CatalogueReader.RECORD_INDEX).equalTo(r.getLong(3))).select("`" + column + "`")
                            .first().get(0);
                    msg.append(String.format("%n  file %s, row %d, column %s: value '%s' is not %s", r.getString(0),
                            r.getLong(1), column, value, TYPES.get(column).simpleString()));
                }
                throw new UserInputException(msg.toString());
            }
        }
        Dataset<Row> out = df.select(typed.toArray(new Column[0]));
        try (AtomicOutput o = new AtomicOutput(output, spark.sparkContext().hadoopConfiguration())) {
            // the staging folder is ours and empty: Spark writes the Parquet files straight into it
            SparkSessions.describe(spark, "Convert " + input + " to Parquet", () ->
                    out.write().mode(SaveMode.Overwrite).parquet(o.root()));
            o.commit();
        }
        return spark.read().parquet(output.path()).count();
    }
}
