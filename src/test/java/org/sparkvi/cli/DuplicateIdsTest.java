package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.Json;

/** Repeated event ids are counted in summary.json and warned about, by cavi and cavi-assign; nothing is dropped. */
class DuplicateIdsTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
            .add("longitude", DataTypes.DoubleType).add("mag", DataTypes.DoubleType);
    static final String WARNING = "5 events have an id that occurs more than once (2 distinct ids; the most repeated, "
            + "'us7000abcd', 3 times); all were kept: a catalogue merged from overlapping downloads counts such events twice";

    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
    }

    static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        assertEquals(0, code, err.toString());
        return code;
    }

    /** 40 events over three files: 'us7000abcd' three times (two files), 'ci123' twice, one null id. */
    static Path catalogue() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = switch (i) {
                case 3, 17, 31 -> "us7000abcd";
                case 5, 6 -> "ci123";
                case 9 -> null;
                default -> "e" + i;
            };
            rows.add(RowFactory.create(id, 35.0 + (i % 2) * 3 + i * 0.01, -120.0 + (i % 2) * 4, 2.0 + (i % 3) * 0.5));
        }
        Path p = dir.resolve("repeated.parquet");
        spark.createDataFrame(rows, SCHEMA).repartition(3).write().parquet(p.toString());
        return p;
    }

    @Test
    void repeatedIdsAreCountedAndWarnedAboutWithoutDroppingAnything() throws Exception {
        Path input = catalogue();
        Path out = dir.resolve("fit");
        run("cavi", "--input", input.toString(), "--output", out.toString(), "--k", "2", "--restarts", "1");
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(40, s.get("n_records").asLong());
        assertEquals(40, s.get("n_used").asLong(), "nothing dropped");
        JsonNode d = s.get("n_duplicate_ids");
        assertEquals(5, d.get("events").asLong());
        assertEquals(2, d.get("ids").asLong());
        assertEquals("us7000abcd", d.get("most_repeated_id").asText());
        assertEquals(3, d.get("most_repeated_count").asLong());
        List<String> warnings = new ArrayList<>();
        s.get("warnings").forEach(w -> warnings.add(w.asText()));
        assertTrue(warnings.contains(WARNING), warnings.toString());
        assertEquals(40, spark.read().parquet(out.resolve("assignments.parquet").toString()).count());

        Path assigned = dir.resolve("assigned");
        run("cavi-assign", "--model", out.toString(), "--input", input.toString(), "--output", assigned.toString());
        JsonNode a = Json.MAPPER.readTree(Files.readString(assigned.resolve("summary.json")));
        assertEquals(5, a.get("n_duplicate_ids").get("events").asLong());
        assertEquals(2, a.get("n_duplicate_ids").get("ids").asLong());
        assertEquals(WARNING, a.get("warnings").get(0).asText());
        assertEquals(40, a.get("n_used").asLong());
    }

    @Test
    void uniqueIdsGiveZeroAndNoWarningAndNoIdColumnGivesNull() throws Exception {
        Path csv = dir.resolve("unique.csv");
        StringBuilder text = new StringBuilder("id,latitude,longitude,mag\n");
        StringBuilder noId = new StringBuilder("latitude,longitude,mag\n");
        for (int i = 0; i < 20; i++) {
            text.append("u").append(i).append(',').append(35 + (i % 2) * 3).append(",-120,2.5\n");
            noId.append(35 + (i % 2) * 3 + i * 0.01).append(",-120,2.5\n");
        }
        Files.writeString(csv, text);
        Path out = dir.resolve("unique-fit");
        run("cavi", "--input", csv.toString(), "--output", out.toString(), "--k", "2", "--restarts", "1");
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(0, s.get("n_duplicate_ids").get("events").asLong());
        assertEquals(0, s.get("n_duplicate_ids").get("ids").asLong());
        assertTrue(s.get("n_duplicate_ids").get("most_repeated_id").isNull());
        s.get("warnings").forEach(w -> assertTrue(!w.asText().contains("occurs more than once"), w.asText()));

        Path bare = dir.resolve("noid.csv");
        Files.writeString(bare, noId);
        Path out2 = dir.resolve("noid-fit");
        run("cavi", "--input", bare.toString(), "--output", out2.toString(), "--k", "2", "--restarts", "1");
        assertTrue(Json.MAPPER.readTree(Files.readString(out2.resolve("summary.json"))).get("n_duplicate_ids").isNull());
    }
}
