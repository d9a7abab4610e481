package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

/** Bad input through the real command line: a clear error naming what is wrong, or a counted quarantine. */
class CaviBadInputTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static String good;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create("ok" + i, String.valueOf(30 + (i % 4) * 3 + i * 0.01),
                    String.valueOf(-120 + (i % 4) * 4 - i * 0.01), String.valueOf(1.0 + (i % 5) * 0.7), (long) (i % 7)));
        }
        good = write("good.parquet", rows);
    }

    static StructType schema() {
        return new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.StringType)
                .add("longitude", DataTypes.StringType).add("mag", DataTypes.StringType).add("nst", DataTypes.LongType);
    }

    static String write(String name, List<Row> rows) {
        String path = dir.resolve(name).toString();
        spark.createDataFrame(rows, schema()).coalesce(1).write().parquet(path);
        return path;
    }

    /** {@link Cli#run}, under the name the tests here use. */
    static Cli.Outcome run(String... args) {
        return Cli.run(args);
    }

    static void assertUserError(Cli.Outcome o, String... fragments) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err());
        for (String f : fragments) {
            assertTrue(o.err().contains(f), "stderr should mention '" + f + "': " + o.err());
        }
    }

    @Test
    void aMagnitudeWhoseTenthsOverflowIsQuarantinedNotWrapped() throws Exception {
        // (int) Math.round(10 * mag) wrapped: 1e10 became ~1.2e9 and 3e8 a negative strength (then a StackOverflowError
        // in digamma); the range is checked before the cast
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(RowFactory.create("ok" + i, String.valueOf(30 + (i % 3) * 5), String.valueOf(-120 + i * 0.1), "2.5", 3L));
        }
        rows.add(RowFactory.create("huge", "35", "-120", "1e10", 3L));
        rows.add(RowFactory.create("wraps", "35", "-120", "3e8", 3L));
        String cat = write("mag-overflow.parquet", rows);
        Path out = dir.resolve("mag-overflow-out");
        Cli.Outcome o = run("cavi", "--input", cat, "--output", out.toString(), "--k", "2", "--restarts", "1", "--max-iter", "5");
        assertEquals(0, o.code(), o.err());
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(30, s.get("n_used").asLong());
        assertEquals(2, s.get("n_rejected").get("by_reason").get("strength_too_large").asLong());
        List<String> values = spark.read().parquet(out.resolve("rejected.parquet").toString()).where("reason = 'strength_too_large'")
                .select("value").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(List.of("1e10", "3e8"), values.stream().sorted().toList());
    }

    @Test
    void badRowsAreQuarantinedAndCountedPerReason() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(RowFactory.create("ok" + i, String.valueOf(30 + (i % 3) * 5), String.valueOf(-120 + i * 0.1), "2.5", 3L));
        }
        rows.add(RowFactory.create("bad1", "abc", "-120", "2.5", 3L));       // row 31: not a number
        rows.add(RowFactory.create("bad2", "NaN", "-120", "2.5", 3L));       // row 32: NaN
        rows.add(RowFactory.create("bad3", "31", "Infinity", "2.5", 3L));    // row 33: infinite
        rows.add(RowFactory.create("bad4", "95", "-120", "2.5", 3L));        // row 34: latitude out of range
        rows.add(RowFactory.create("bad5", "31", "200", "2.5", 3L));         // row 35: longitude out of range
        rows.add(RowFactory.create("bad6", "31", "-120", "2.5", -2L));       // row 36: negative strength
        rows.add(RowFactory.create("bad7", null, "-120", "2.5", 3L));        // row 37: missing
        String input = write("bad-rows.parquet", rows);
        Path out = dir.resolve("out-bad-rows");
        Cli.Outcome o = run("cavi", "--input", input, "--output", out.toString(), "--k", "3", "--strength-column", "nst",
                "--restarts", "1");
        assertEquals(0, o.code(), o.err());
        JsonNode summary = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(37, summary.get("n_records").asLong());
        assertEquals(30, summary.get("n_used").asLong());
        JsonNode rejected = summary.get("n_rejected");
        assertEquals(7, rejected.get("total").asLong());
        Map<String, Long> expected = Map.of("not_a_number", 1L, "not_finite", 2L, "latitude_out_of_range", 1L,
                "longitude_out_of_range", 1L, "negative_strength", 1L, "missing_value", 1L);
        expected.forEach((reason, n) -> assertEquals(n, rejected.get("by_reason").get(reason).asLong(), reason));
        List<Row> quarantine = spark.read().parquet(out.resolve("rejected.parquet").toString()).orderBy("row").collectAsList();
        assertEquals(7, quarantine.size());
        Row first = quarantine.get(0);
        assertEquals(31L, first.getLong(first.fieldIndex("row")));
        assertEquals("latitude", first.getString(first.fieldIndex("column")));
        assertEquals("abc", first.getString(first.fieldIndex("value")));
        assertTrue(first.getString(first.fieldIndex("file")).contains("bad-rows.parquet"));
        Row strength = quarantine.get(5);
        assertEquals("nst", strength.getString(strength.fieldIndex("column")));
        assertEquals("-2", strength.getString(strength.fieldIndex("value")));
    }

    @Test
    void nonIntegerStrengthIsQuarantined() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(RowFactory.create("e" + i, String.valueOf(30 + i), "-120", i == 4 ? "2.5" : "3", 1L));
        }
        StructType s = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.StringType)
                .add("longitude", DataTypes.StringType).add("felt", DataTypes.StringType).add("nst", DataTypes.LongType);
        String input = dir.resolve("nonint.parquet").toString();
        spark.createDataFrame(rows, s).write().parquet(input);
        Path out = dir.resolve("out-nonint");
        Cli.Outcome o = run("cavi", "--input", input, "--output", out.toString(), "--k", "2", "--strength-column", "felt",
                "--restarts", "1");
        assertEquals(0, o.code(), o.err());
        JsonNode summary = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(1, summary.get("n_rejected").get("by_reason").get("non_integer_strength").asLong());
    }

    @Test
    void missingFileIsNamed() {
        String missing = dir.resolve("no-such-catalogue.parquet").toString();
        assertUserError(run("cavi", "--input", missing, "--output", dir.resolve("o1").toString()), missing);
        assertNoOutputLeft("o1");
    }

    @Test
    void missingColumnIsNamedWithTheColumnsThereAre() {
        assertUserError(run("cavi", "--input", good, "--output", dir.resolve("o2").toString(), "--strength-column", "sig"),
                "column 'sig' not found", "latitude");
        assertNoOutputLeft("o2");
    }

    @Test
    void emptyCatalogueIsAnError() {
        String empty = write("empty.parquet", List.of());
        assertUserError(run("cavi", "--input", empty, "--output", dir.resolve("o3").toString()), "empty");
        assertNoOutputLeft("o3");
    }

    @Test
    void kLargerThanTheEventsIsAnError() {
        assertUserError(run("cavi", "--input", good, "--output", dir.resolve("o4").toString(), "--k", "41"),
                "k = 41 is larger than the number of usable events (40)");
        assertNoOutputLeft("o4");
    }

    @Test
    void invalidHyperparametersAreNamed() {
        String out = dir.resolve("o5").toString();
        assertUserError(run("cavi", "--input", good, "--output", out, "--tau", "0"), "--tau", "positive");
        assertUserError(run("cavi", "--input", good, "--output", out, "--tau", "-1"), "--tau");
        assertUserError(run("cavi", "--input", good, "--output", out, "--rho", "NaN"), "--rho");
        assertUserError(run("cavi", "--input", good, "--output", out, "--alpha", "0"), "--alpha");
        assertUserError(run("cavi", "--input", good, "--output", out, "--beta", "-3"), "--beta");
        assertUserError(run("cavi", "--input", good, "--output", out, "--k", "2", "--pi", "0.5,0.6"), "sum to 1");
        assertUserError(run("cavi", "--input", good, "--output", out, "--k", "3", "--pi", "0.5,0.5"), "--pi has 2");
        assertUserError(run("cavi", "--input", good, "--output", out, "--nu", "1,2"), "--nu has 2 values");
        assertUserError(run("cavi", "--input", good, "--output", out, "--k", "0"), "k must be at least 1");
        assertUserError(run("cavi", "--input", good, "--output", out, "--pi-prior", "dirichlet",
                "--pi-concentration", "0"), "--pi-concentration");
        assertUserError(run("cavi", "--input", good, "--output", out, "--coords", "radial"), "--station");
        assertUserError(run("cavi", "--input", good, "--output", out, "--coords", "radial", "--station", "95,0"), "latitude in [-90, 90]");
        assertUserError(run("cavi", "--input", good, "--output", out, "--coords", "identity"), "--x-columns");
        assertUserError(run("cavi", "--input", good, "--output", out, "--coords", "mercator"), "--coords must be one of");
        assertUserError(run("cavi", "--input", good, "--output", out, "--tol", "-1"), "tol");
        assertNoOutputLeft("o5");
    }

    @Test
    void identicalEventsAreRefusedUnlessTauAndRhoAreGiven() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(RowFactory.create("same" + i, "19.4", "-155.3", "2.5", 3L)); // Kilauea; round-off alone gave s² ≈ 4e-9 km²
        }
        String input = write("one-point.parquet", rows);
        Cli.Outcome o = run("cavi", "--input", input, "--output", dir.resolve("o8").toString(), "--k", "3", "--restarts", "1");
        assertUserError(o, "sparkvi: error: the locations have no spread: all 50 events are at one point (their standard "
                + "deviation per dimension, 0.00, is at most 1e-06 of the coordinates' scale, ", "give --tau and --rho explicitly");
        assertEquals(1, o.err().lines().count(), "one line: " + o.err());
        assertNoOutputLeft("o8");
    }

    @Test
    void aModelThatContradictsItselfIsRefusedNamingItsFileAndField() throws Exception {
        Path fit = dir.resolve("fit-for-model");
        assertEquals(0, run("cavi", "--input", good, "--output", fit.toString(), "--k", "2", "--restarts", "1",
                "--coords", "lonlat").code());
        Path model = fit.resolve("model").resolve("model.json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(Files.readString(model));
        ((ObjectNode) json.get("coords")).put("kind", "ECEF"); // d, nu and every mean still say 2-D (lonlat)
        Files.writeString(model, Json.write(json));
        String expected = "sparkvi: error: " + model + ": field 'd' is 2 but coords 'ecef' has dimension 3";
        Cli.Outcome assign = run("cavi-assign", "--model", fit.toString(), "--input", good, "--output", dir.resolve("o6").toString());
        assertUserError(assign, expected);
        assertNoOutputLeft("o6");
        Cli.Outcome warm = run("cavi", "--init-model", fit.toString(), "--k", "2", "--input", good,
                "--output", dir.resolve("o7").toString());
        assertUserError(warm, expected);
        assertNoOutputLeft("o7");
    }

    static void assertNoOutputLeft(String name) {
        assertFalse(Files.exists(dir.resolve(name)), name + " must not exist after a failed run");
        try (Stream<Path> s = Files.list(dir)) {
            List<String> staging = s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("." + name + ".tmp-"))
                    .collect(Collectors.toList());
            assertTrue(staging.isEmpty(), "staging folders left behind: " + staging);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
