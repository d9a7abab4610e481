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
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.UserInputException;

/**
 * Writes a catalogue as Parquet with the ComCat columns typed: times as timestamps, measurements as doubles,
 * counts as integers, the rest as read. A value that cannot be typed is not turned into a null: the conversion
 * stops with an error naming the file, row, column and value of the first ones, and writes nothing.
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

    /** Converts and returns the number of rows written. */
    public static long convert(SparkSession spark, String input, CatalogueFormat format, OutputRequest output) {
        Dataset<Row> df = CatalogueReader.read(spark, input, format);
        List<Column> typed = new ArrayList<>();
        List<Column> bad = new ArrayList<>();
        for (String name : df.columns()) {
            if (name.startsWith("_")) {
                continue;
            }
            DataType t = TYPES.get(name);
            Column c = col("`" + name + "`");
            if (t == null || df.schema().apply(name).dataType().equals(t)) {
                typed.add(c);
                continue;
            }
            Column cast = functions.expr("try_cast(`" + name + "` AS " + t.sql() + ")");
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
