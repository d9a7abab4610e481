package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.bench.SyntheticComCat;
import org.sparkvi.io.CatalogueFormat;
import org.sparkvi.io.CatalogueReader;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.ParquetBatches;
import org.sparkvi.io.StrengthSpec;

/**
 * A Parquet catalogue read from Spark's column batches ({@link ParquetBatches}) gives the events and the quarantine
 * that Spark's SQL rows give (the path taken for {@code --partitions N}): every event's coordinates, strength,
 * log-base, id, time, magnitude, latitude and longitude, keyed by record index, and every rejected record's file,
 * row, column, value and reason; the expected row counts taken from the footers are the rows each split reads.
 */
class ParquetBatchesIngestTest {
    @TempDir
    static Path dir;

    @Test
    void columnBatchesAndSqlRowsGiveTheSameEventsAndQuarantine() {
        SparkSession spark = TestSpark.get();
        String path = dir.resolve("catalogue.parquet").toString();
        SyntheticComCat.write(spark, path, 3000, 8, 7);
        // a ninth file of bad records (and a repeated id) among good ones
        List<org.apache.spark.sql.Row> bad = new ArrayList<>();
        Timestamp t = Timestamp.valueOf("2025-03-01 12:00:00.123");
        bad.add(RowFactory.create("bad-lat", t, 95.0, 10.0, 5.0, 4.0, 3));
        bad.add(RowFactory.create("bad-lon", t, 10.0, Double.NaN, 5.0, 4.0, 3));
        bad.add(RowFactory.create("good", t, -33.5, 151.2, -2.0, 5.5, 3));
        bad.add(RowFactory.create("bad-mag", t, 10.0, 10.0, 5.0, Double.POSITIVE_INFINITY, 3));
        bad.add(RowFactory.create("sv17", t, 12.0, 13.0, 5.0, 2.0, 3));
        spark.createDataFrame(bad, SyntheticComCat.SCHEMA).coalesce(1).write().mode(SaveMode.Append).parquet(path);

        CoordinateSystem ecef = CoordinateSystem.of(CoordinateSystem.Kind.ECEF);
        CatalogueReader.Source source = CatalogueReader.open(spark, path, CatalogueFormat.PARQUET);
        List<String> direct = EventColumns.direct(source.rows().schema(), ecef, StrengthSpec.MAG10, null, path).directColumns();
        assertNotNull(direct, "every column of this catalogue can be read as Spark's batches hold it");
        ParquetBatches.Batches batches = source.batches(direct);
        assertNotNull(batches);
        int parallelism = spark.sparkContext().defaultParallelism();
        assertEquals(0, batches.batches().getNumPartitions() % parallelism, "splits: a multiple of the parallelism");
        assertEquals(3005, java.util.Arrays.stream(batches.expectedRows()).sum());
        long[] counted = batches.batches().mapPartitions(it -> {
            long c = 0;
            while (it.hasNext()) {
                c += it.next().numRows();
            }
            return List.of(c).iterator();
        }).collect().stream().mapToLong(Long::longValue).toArray();
        assertEquals(java.util.Arrays.toString(batches.expectedRows()), java.util.Arrays.toString(counted));

        LoadedCatalogue columnar = CatalogueLoader.load(spark, new CatalogueLoader.Request(path, CatalogueFormat.PARQUET,
                ecef, StrengthSpec.MAG10, null, 0, true));
        LoadedCatalogue rows = CatalogueLoader.load(spark, new CatalogueLoader.Request(path, CatalogueFormat.PARQUET,
                ecef, StrengthSpec.MAG10, null, 3, true));
        try {
            assertEquals(batches.batches().getNumPartitions(), columnar.partitions().getNumPartitions());
            assertEquals(3, rows.partitions().getNumPartitions());
            assertEquals(3005, columnar.records());
            assertEquals(3002, columnar.used());
            assertEquals(Map.of("latitude_out_of_range", 1L, "not_finite", 2L), columnar.rejectedByReason());
            assertEquals(rows.rejectedByReason(), columnar.rejectedByReason());
            assertEquals(events(rows), events(columnar));
            assertEquals(rejections(rows), rejections(columnar));
            assertEquals(rows.duplicateIds(), columnar.duplicateIds());
            assertEquals(2, columnar.duplicateIds().events(), "sv17 twice");
        } finally {
            columnar.release();
            rows.release();
        }
    }

    /**
     * A file of many row groups, read as several splits (two tasks' worth, four splits each): the row of every
     * record in its file is counted from the footers, not read from Spark, and must be the row Spark's SQL path
     * gives it, for the events (their record index) and for the quarantined records (their row).
     */
    @Test
    void rowsOfAFileOfManyRowGroupsReadInSeveralSplitsKeepTheirRowInTheFile() throws java.io.IOException {
        SparkSession spark = TestSpark.get();
        String generated = dir.resolve("generated-for-row-groups.parquet").toString();
        SyntheticComCat.write(spark, generated, 20_000, 1, 3);
        String path = dir.resolve("row-groups.parquet").toString();
        // every 499th id's latitude out of range: rejections spread over the row groups
        spark.read().parquet(generated).withColumn("latitude", org.apache.spark.sql.functions.when(
                        org.apache.spark.sql.functions.pmod(org.apache.spark.sql.functions.hash(
                                org.apache.spark.sql.functions.col("id")), org.apache.spark.sql.functions.lit(499))
                                .equalTo(0), org.apache.spark.sql.functions.lit(95.0))
                        .otherwise(org.apache.spark.sql.functions.col("latitude")))
                .coalesce(1).write().option("parquet.block.size", 16 * 1024).parquet(path);
        java.io.File file;
        try (var files = java.nio.file.Files.list(Path.of(path))) {
            file = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow().toFile();
        }
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()),
                        new org.apache.hadoop.conf.Configuration()))) {
            assertTrue(reader.getRowGroups().size() >= 8, reader.getRowGroups().size() + " row groups");
        }

        CoordinateSystem ecef = CoordinateSystem.of(CoordinateSystem.Kind.ECEF);
        LoadedCatalogue columnar = CatalogueLoader.load(spark, new CatalogueLoader.Request(path, CatalogueFormat.PARQUET,
                ecef, StrengthSpec.MAG10, null, 0, true));
        LoadedCatalogue rows = CatalogueLoader.load(spark, new CatalogueLoader.Request(path, CatalogueFormat.PARQUET,
                ecef, StrengthSpec.MAG10, null, 3, true));
        try {
            assertEquals(20_000, columnar.records());
            assertTrue(columnar.rejectedByReason().get("latitude_out_of_range") > 10, columnar.rejectedByReason().toString());
            assertEquals(rows.rejectedByReason(), columnar.rejectedByReason());
            assertEquals(events(rows), events(columnar));
            assertEquals(rejections(rows), rejections(columnar));
        } finally {
            columnar.release();
            rows.release();
        }
    }

    /** Each event as text, by record index: every column a block keeps. */
    private static Map<Long, String> events(LoadedCatalogue c) {
        Map<Long, String> out = new TreeMap<>();
        for (EventBlock b : c.blocks().collect()) {
            for (int n = 0; n < b.size; n++) {
                String e = java.util.Arrays.toString(b.location(n)) + " " + b.strength[n] + " " + b.weight(n) + " "
                        + b.logBase[n] + " " + b.idOf(n) + " " + b.timeMillis[n] + " " + b.mag[n]
                        + (b.latitude == null ? "" : " " + b.latitude[n] + " " + b.longitude[n]);
                assertTrue(out.put(b.index[n], e) == null, "index " + b.index[n] + " twice");
            }
        }
        return out;
    }

    private static List<String> rejections(LoadedCatalogue c) {
        return c.rejections().map(r -> r.file() + "|" + r.row() + "|" + r.column() + "|" + r.value() + "|" + r.reason())
                .collect().stream().sorted().toList();
    }
}
