package org.sparkvi.io;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.datasources.parquet.SparkToParquetSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A small table whose rows are on the driver (a fit's K clusters, an empty quarantine), written as Spark lays out a
 * table (a folder with {@code part-00000.parquet} and {@code _SUCCESS}; Spark's schema in the footer, so Spark reads
 * back the same types) but without a Spark job: Spark's first table write in a JVM costs 1–2 s of planning, code
 * generation and commit for a file of a few hundred bytes. Columns: integers, longs, doubles, booleans and strings,
 * nullable or not, and arrays of those; the Parquet schema is Spark's own ({@link SparkToParquetSchemaConverter}).
 */
public final class DriverParquetTable {
    /** The footer key under which Spark keeps a table's schema (read back by Spark's Parquet reader). */
    public static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

    private DriverParquetTable() {
    }

    /** Writes {@code rows} (values in {@code schema}'s order) as the table folder {@code dir}. */
    public static void write(Configuration conf, StructType schema, List<Row> rows, String dir) {
        for (StructField f : schema.fields()) {
            DataType t = f.dataType() instanceof ArrayType a ? a.elementType() : f.dataType();
            if (!(t == DataTypes.IntegerType || t == DataTypes.LongType || t == DataTypes.DoubleType
                    || t == DataTypes.BooleanType || t == DataTypes.StringType)) {
                throw new IllegalArgumentException("column " + f.name() + ": " + f.dataType().simpleString()
                        + " is not written by DriverParquetTable");
            }
        }
        Path folder = new Path(dir);
        try {
            ColumnarParquetFile.write(conf, new Path(folder, "part-00000.parquet"),
                    new SparkToParquetSchemaConverter(SQLConf.get()).convert(schema),
                    java.util.Map.of(SPARK_SCHEMA_KEY, schema.json()), rows.size(), 256,
                    (row, columns) -> writeRow(schema, rows.get((int) row), columns));
            ColumnarParquetFile.markTableComplete(conf, folder);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * One row, one leaf column per field. Definition levels count the optional or repeated levels present: a nullable
     * field adds one, an array's repeated group one, a nullable element one; an array's later elements repeat at
     * level 1, and an empty array is a null at the level of its (present) field.
     */
    private static void writeRow(StructType schema, Row r, ColumnWriter[] columns) {
        StructField[] fields = schema.fields();
        for (int c = 0; c < fields.length; c++) {
            StructField f = fields[c];
            ColumnWriter w = columns[c];
            int fieldLevel = f.nullable() ? 1 : 0;
            if (r.isNullAt(c)) {
                if (!f.nullable()) {
                    throw new IllegalArgumentException("column " + f.name() + " is not nullable but row " + r + " has null");
                }
                w.writeNull(0, 0);
            } else if (f.dataType() instanceof ArrayType a) {
                List<?> values = elements(r.get(c));
                int elementLevel = fieldLevel + 1 + (a.containsNull() ? 1 : 0);
                if (values.isEmpty()) {
                    w.writeNull(0, fieldLevel);
                }
                for (int j = 0; j < values.size(); j++) {
                    int repetition = j == 0 ? 0 : 1;
                    if (values.get(j) == null) {
                        w.writeNull(repetition, fieldLevel + 1);
                    } else {
                        write(w, a.elementType(), values.get(j), repetition, elementLevel);
                    }
                }
            } else {
                write(w, f.dataType(), r.get(c), 0, fieldLevel);
            }
        }
    }

    private static void write(ColumnWriter w, DataType t, Object v, int repetition, int definition) {
        if (t == DataTypes.IntegerType) {
            w.write(((Number) v).intValue(), repetition, definition);
        } else if (t == DataTypes.LongType) {
            w.write(((Number) v).longValue(), repetition, definition);
        } else if (t == DataTypes.DoubleType) {
            w.write(((Number) v).doubleValue(), repetition, definition);
        } else if (t == DataTypes.BooleanType) {
            w.write((Boolean) v, repetition, definition);
        } else {
            w.write(Binary.fromString(v.toString()), repetition, definition);
        }
    }

    /** An array value as Spark's rows carry it: a Java array, a Java list or a Scala sequence. */
    private static List<?> elements(Object v) {
        if (v instanceof Object[] a) {
            return java.util.Arrays.asList(a);
        }
        if (v instanceof double[] d) {
            return java.util.Arrays.stream(d).boxed().toList();
        }
        if (v instanceof List<?> l) {
            return l;
        }
        if (v instanceof scala.collection.Seq<?> s) {
            return scala.jdk.javaapi.CollectionConverters.asJava(s);
        }
        throw new IllegalArgumentException("not an array value: " + v.getClass().getName());
    }
}
