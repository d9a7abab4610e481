package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.Json;

/**
 * The columnar reader's edge cases: files of a folder that hold nothing, or nothing valid, or more columns than the
 * fit needs, or columns of nulls, or disagree on a column's type. Every record is counted, used or quarantined.
 */
class ColumnarIngestEdgeCaseTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
            .add("longitude", DataTypes.DoubleType).add("depth", DataTypes.DoubleType).add("mag", DataTypes.DoubleType);

    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
    }

    static List<Row> events(String prefix, int n, double lat0) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create(prefix + i, lat0 + (i % 5) * 0.1, -120.0 + (i % 3) * 0.1, 10.0, 2.0 + (i % 4) * 0.5));
        }
        return rows;
    }

    /** Writes one Parquet file into folder (appending). */
    static void file(Path folder, List<Row> rows, StructType schema) {
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Append).parquet(folder.toString());
    }

    record Outcome(int code, String err, JsonNode summary) {
    }

    static Outcome cavi(Path input, String name, String... more) throws Exception {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("cavi", "--input", input.toString(), "--output", out.toString(),
                "--k", "2", "--restarts", "1"));
        args.addAll(List.of(more));
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args.toArray(new String[0]));
        JsonNode s = code == 0 ? Json.MAPPER.readTree(Files.readString(out.resolve("summary.json"))) : null;
        return new Outcome(code, err.toString(), s);
    }

    @Test
    void anEmptyFileAmongGoodOnesAndAFileWhollyRejected() throws Exception {
        Path folder = dir.resolve("mixed.parquet");
        file(folder, events("a", 60, 35), SCHEMA);
        file(folder, List.of(), SCHEMA);
        List<Row> bad = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            bad.add(RowFactory.create("bad" + i, 95.0 + i, -120.0, 10.0, 2.0)); // latitude out of range
        }
        file(folder, bad, SCHEMA);
        file(folder, events("b", 40, 40), SCHEMA);
        Outcome o = cavi(folder, "mixed-out");
        assertEquals(0, o.code(), o.err());
        assertEquals(107, o.summary().get("n_records").asLong());
        assertEquals(100, o.summary().get("n_used").asLong());
        assertEquals(7, o.summary().get("n_rejected").get("by_reason").get("latitude_out_of_range").asLong());
        List<Row> quarantine = spark.read().parquet(dir.resolve("mixed-out/rejected.parquet").toString()).collectAsList();
        assertEquals(7, quarantine.size());
        for (Row r : quarantine) {
            assertTrue(r.getString(0).endsWith(".parquet"), "file of the rejected record");
            assertTrue(r.getLong(1) >= 1 && r.getLong(1) <= 7, "row within its own file");
        }
    }

    @Test
    void extraColumnsAreIgnoredAndNullOnlyColumnsAreMissingValues() throws Exception {
        StructType wide = SCHEMA.add("place", DataTypes.StringType).add("felt", DataTypes.IntegerType)
                .add("magType", DataTypes.StringType).add("sig", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        for (Row r : events("w", 50, 35)) {
            rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), "somewhere", null, "ml", null));
        }
        Path wideFile = dir.resolve("wide.parquet");
        file(wideFile, rows, wide);
        Outcome o = cavi(wideFile, "wide-out");
        assertEquals(0, o.code(), o.err());
        assertEquals(50, o.summary().get("n_used").asLong());

        // felt is null in every row: as the strength, each record is quarantined as a missing value
        Outcome felt = cavi(wideFile, "felt-out", "--strength-column", "felt");
        assertEquals(2, felt.code(), felt.err());
        assertTrue(felt.err().contains("all 50 records were rejected") && felt.err().contains("missing_value"), felt.err());
        assertFalse(Files.exists(dir.resolve("felt-out")));
    }

    @Test
    void aColumnTypedDifferentlyInTwoFilesIsOneClearErrorNamingBoth() throws Exception {
        Path folder = dir.resolve("types.parquet");
        file(folder, events("d", 30, 35), SCHEMA);
        StructType textDepth = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
                .add("longitude", DataTypes.DoubleType).add("depth", DataTypes.StringType).add("mag", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (Row r : events("t", 30, 36)) {
            rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), "10.0", r.get(4)));
        }
        file(folder, rows, textDepth);
        Outcome o = cavi(folder, "types-out", "--coords", "hypocenter");
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("depth"), o.err());
        try (var files = Files.list(folder)) {
            List<String> parts = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).toList();
            for (String p : parts) {
                assertTrue(o.err().contains(p), "names " + p + ": " + o.err());
            }
        }
        // coordinates that do not use the depth neither read it nor compare its types: the catalogue is fitted
        Outcome ecef = cavi(folder, "types-ecef-out");
        assertEquals(0, ecef.code(), ecef.err());
    }
}
