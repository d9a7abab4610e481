package org.sparkvi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;

/**
 * The schema the reader is given from the footers it has read is the one Spark infers from the same files (its
 * default, schema merging off): files Spark wrote (its own schema in the footer), files without Spark's schema
 * (the Parquet types converted), and files whose columns differ (the first in path order decides).
 */
class ParquetSchemaTest {
    @TempDir
    Path dir;

    private static StructType fromFooters(SparkSession spark, String path) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        return ParquetFooters.sparkSchema(CatalogueFiles.list(path, conf).get(0).toString(), conf, spark);
    }

    private void writeOneFile(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, Path target) {
        Path tmp = dir.resolve("tmp-" + target.getFileName());
        rows.coalesce(1).write().parquet(tmp.toString());
        try (var files = java.nio.file.Files.list(tmp)) {
            Path part = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            java.nio.file.Files.createDirectories(target.getParent());
            java.nio.file.Files.move(part, target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theBundledCatalogue() {
        SparkSession spark = TestSpark.get();
        String path = "data/earthquakes.parquet";
        assertEquals(spark.read().parquet(path).schema(), fromFooters(spark, path));
    }

    @Test
    void filesSparkWroteWithDifferentColumnsTakeTheFirstFilesSchema() {
        SparkSession spark = TestSpark.get();
        var rows = spark.range(0, 50).select(functions.col("id").cast("string").as("id"),
                functions.col("id").cast("double").as("mag"), functions.current_timestamp().as("time"),
                functions.col("id").cast("int").as("nst"), functions.lit("x").as("extra"));
        // two files in one folder, the one without 'extra' first in path order
        writeOneFile(rows.where("id < '3'"), dir.resolve("mixed/b.parquet"));
        writeOneFile(rows.drop("extra").where("id >= '3'"), dir.resolve("mixed/a.parquet"));
        String path = dir.resolve("mixed").toString();
        StructType inferred = spark.read().parquet(path).schema();
        assertEquals(inferred, fromFooters(spark, path));
        assertEquals(inferred, spark.read().schema(fromFooters(spark, path)).parquet(path).schema());
        assertEquals(4, fromFooters(spark, dir.resolve("mixed").toString()).size(), "part-a, without 'extra', is first");
    }

    @Test
    void aFileWithoutSparksSchemaHasItsParquetTypesConverted() throws Exception {
        SparkSession spark = TestSpark.get();
        var schema = MessageTypeParser.parseMessageType("message m { required binary id (STRING); optional double mag;"
                + " required int64 time (TIMESTAMP(MILLIS,true)); required int32 nst; required binary raw; }");
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("plain/events.parquet").toString());
        ColumnarParquetFile.write(spark.sparkContext().hadoopConfiguration(), file, schema, Map.of(), 3, 40,
                (row, columns) -> {
                    columns[0].write(org.apache.parquet.io.api.Binary.fromString("ev" + row), 0, 0);
                    columns[1].write(1.5 * row, 0, 1);
                    columns[2].write(1_600_000_000_000L + row, 0, 0);
                    columns[3].write((int) row, 0, 0);
                    columns[4].write(org.apache.parquet.io.api.Binary.fromString("r"), 0, 0);
                });
        String path = dir.resolve("plain").toString();
        assertEquals(spark.read().parquet(path).schema(), fromFooters(spark, path));
        assertEquals(spark.read().parquet(path).collectAsList(),
                spark.read().schema(fromFooters(spark, path)).parquet(path).collectAsList());
    }
}
