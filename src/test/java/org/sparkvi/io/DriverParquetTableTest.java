package org.sparkvi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;

/** A table written from the driver reads back through Spark as Spark's own writer's table does: schema and values. */
class DriverParquetTableTest {
    @TempDir
    Path dir;

    static final StructType SCHEMA = new StructType()
            .add("k", DataTypes.IntegerType, false)
            .add("n", DataTypes.LongType, true)
            .add("x", DataTypes.DoubleType, true)
            .add("flag", DataTypes.BooleanType, false)
            .add("name", DataTypes.StringType, true)
            .add("mean", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("maybe", DataTypes.createArrayType(DataTypes.LongType, true), true);

    @Test
    void readsBackAsSparksOwnTable() throws Exception {
        SparkSession spark = TestSpark.get();
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create(0, 7L, 1.5, true, "ci37868143", new Double[] {1.0, -2.5, 3e300}, new Long[] {1L, null, 3L}));
        rows.add(RowFactory.create(1, null, null, false, null, new Double[] {}, null));
        rows.add(RowFactory.create(2, Long.MIN_VALUE, Double.NaN, true, "ü, \"quoted\"", new Double[] {-0.0}, new Long[] {}));
        String ours = dir.resolve("ours.parquet").toString();
        String sparks = dir.resolve("sparks.parquet").toString();
        DriverParquetTable.write(spark.sparkContext().hadoopConfiguration(), SCHEMA, rows, ours);
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(sparks);

        Dataset<Row> back = spark.read().parquet(ours);
        assertEquals(spark.read().parquet(sparks).schema(), back.schema(), "the same schema as Spark's own table");
        assertEquals(SCHEMA.asNullable(), back.schema()); // Spark reads every file column as nullable
        assertEquals(render(spark.read().parquet(sparks).orderBy("k").collectAsList()), render(back.orderBy("k").collectAsList()));
        assertTrue(Files.exists(dir.resolve("ours.parquet/_SUCCESS")));
        try (var files = Files.list(dir.resolve("ours.parquet"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".crc")), "no checksum files beside it");
        }
    }

    @Test
    void anEmptyTableKeepsItsSchema() throws Exception {
        SparkSession spark = TestSpark.get();
        String ours = dir.resolve("empty.parquet").toString();
        DriverParquetTable.write(spark.sparkContext().hadoopConfiguration(), SCHEMA, List.of(), ours);
        Dataset<Row> back = spark.read().parquet(ours);
        assertEquals(SCHEMA.asNullable(), back.schema());
        assertEquals(0, back.count());
    }

    /** Rows as text, arrays element by element (a row's equality compares Scala sequences by reference otherwise). */
    static List<String> render(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                b.append(v instanceof scala.collection.Seq<?> s ? Arrays.toString(
                        scala.jdk.javaapi.CollectionConverters.asJava(s).toArray()) : String.valueOf(v)).append(" | ");
            }
            out.add(b.toString());
        }
        return out;
    }
}
