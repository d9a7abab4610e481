package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.Json;

/**
 * GeoJSON as RFC 7946 writes it, through the real command line: a point is [lon, lat] or [lon, lat, depth]; a
 * shorter one is quarantined with its feature number as the row; features, geometries or properties that are
 * empty or null everywhere (which Spark types as strings) give one message, never a crash.
 */
class GeoJsonInputTest {
    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
    }

    /** {@link Cli#run}, under the name the tests here use. */
    static Cli.Outcome run(String... args) {
        return Cli.run(args);
    }

    static String feature(int i, String coordinates) {
        return "{\"type\":\"Feature\",\"id\":\"g" + i + "\",\"properties\":{\"mag\":" + (1.0 + (i % 5) * 0.5)
                + ",\"time\":" + (1517966773840L + i) + "},\"geometry\":"
                + (coordinates == null ? "null" : "{\"type\":\"Point\",\"coordinates\":" + coordinates + "}") + "}";
    }

    static String collection(List<String> features) {
        return "{\"type\":\"FeatureCollection\",\"features\":[\n" + String.join(",\n", features) + "\n]}\n";
    }

    static Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** 24 features, two clusters; odd ones have a depth, even ones are [lon, lat]. */
    static List<String> points() {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            double lon = -120 + (i % 2) * 3 + i * 0.01;
            double lat = 35 + (i % 2) * 2 + i * 0.01;
            f.add(feature(i, i % 2 == 1 ? "[" + lon + "," + lat + ",5.5]" : "[" + lon + "," + lat + "]"));
        }
        return f;
    }

    @Test
    void twoElementPointsAreValidAndAOneElementPointIsQuarantinedWithItsFeatureNumber() throws Exception {
        List<String> f = points();
        f.set(4, feature(4, "[-119.5]"));   // feature 5: longitude only
        f.set(9, feature(9, "[]"));         // feature 10: no coordinates
        f.set(12, feature(12, null));       // feature 13: null geometry
        Path input = write("points.geojson", collection(f));
        Path out = dir.resolve("points-out");
        Cli.Outcome o = run("cavi", "--input", input.toString(), "--output", out.toString(), "--k", "2", "--restarts", "1");
        assertEquals(0, o.code(), o.err());
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(24, s.get("n_records").asLong());
        assertEquals(21, s.get("n_used").asLong(), "the [lon, lat] points are used");
        assertEquals(3, s.get("n_rejected").get("by_reason").get("missing_value").asLong());
        Map<Long, Row> byRow = new TreeMap<>();
        for (Row r : spark.read().parquet(out.resolve("rejected.parquet").toString()).collectAsList()) {
            byRow.put(r.getLong(r.fieldIndex("row")), r);
        }
        assertEquals(List.of(5L, 10L, 13L), new ArrayList<>(byRow.keySet()));
        Row one = byRow.get(5L);
        assertEquals("latitude", one.getString(one.fieldIndex("column")), "a 1-element point misses its latitude");
        assertNull(one.get(one.fieldIndex("value")));
        assertEquals("missing_value", one.getString(one.fieldIndex("reason")));
        assertTrue(one.getString(one.fieldIndex("file")).endsWith("points.geojson"));
        assertEquals("latitude", byRow.get(10L).getString(byRow.get(10L).fieldIndex("column")), "[]: the first missing value");
        assertEquals("latitude", byRow.get(13L).getString(byRow.get(13L).fieldIndex("column")), "null geometry");

        // hypocentre coordinates need the depth: the [lon, lat] points are then quarantined as missing_depth
        Path hypo = dir.resolve("points-hypo");
        Cli.Outcome h = run("cavi", "--input", input.toString(), "--output", hypo.toString(), "--k", "2", "--restarts", "1",
                "--coords", "hypocenter");
        assertEquals(0, h.code(), h.err());
        JsonNode hs = Json.MAPPER.readTree(Files.readString(hypo.resolve("summary.json")));
        assertEquals(11, hs.get("n_used").asLong());
        assertEquals(10, hs.get("n_rejected").get("by_reason").get("missing_depth").asLong());
    }

    @Test
    void convertKeepsTwoElementPointsWithANullDepth() throws Exception {
        List<String> f = points();
        f.set(4, feature(4, "[-119.5]"));
        Path input = write("convert.geojson", collection(f));
        Path out = dir.resolve("convert-out");
        Cli.Outcome o = run("convert", "--input", input.toString(), "--output", out.toString());
        assertEquals(0, o.code(), o.err());
        Map<String, Row> byId = new TreeMap<>();
        for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
            byId.put(r.getString(r.fieldIndex("id")), r);
        }
        assertEquals(24, byId.size());
        Row two = byId.get("g2");
        assertEquals(-120 + 0.02, two.getDouble(two.fieldIndex("longitude")), 0);
        assertEquals(35 + 0.02, two.getDouble(two.fieldIndex("latitude")), 0);
        assertTrue(two.isNullAt(two.fieldIndex("depth")), "[lon, lat]: no depth");
        Row three = byId.get("g3");
        assertEquals(5.5, three.getDouble(three.fieldIndex("depth")), 0);
        Row one = byId.get("g4");
        assertEquals(-119.5, one.getDouble(one.fieldIndex("longitude")), 0);
        assertTrue(one.isNullAt(one.fieldIndex("latitude")), "[lon]: no latitude");
    }

    @Test
    void emptyFeaturesAreAnEmptyCatalogueNotACrash() throws Exception {
        Path input = write("empty.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");
        for (String command : List.of("cavi", "convert")) {
            Cli.Outcome o = run(command, "--input", input.toString(), "--output", dir.resolve("empty-" + command).toString());
            assertEquals(2, o.code(), o.err());
            assertEquals("sparkvi: error: the catalogue " + input + " is empty: its GeoJSON 'features' list holds no features",
                    o.err().strip());
            assertFalse(Files.exists(dir.resolve("empty-" + command)));
        }
    }

    @Test
    void featuresThatAreNotObjectsAreNamed() throws Exception {
        Path input = write("numbers.geojson", "{\"type\":\"FeatureCollection\",\"features\":[1,2,3]}");
        for (String command : List.of("cavi", "convert")) {
            Cli.Outcome o = run(command, "--input", input.toString(), "--output", dir.resolve("numbers-" + command).toString());
            assertEquals(2, o.code(), o.err());
            assertEquals("sparkvi: error: " + input + " is not a GeoJSON FeatureCollection: its 'features' are bigint "
                    + "values, not Feature objects", o.err().strip());
        }
    }

    @Test
    void nullGeometriesEverywhereAreMissingValues() throws Exception {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            f.add(feature(i, null));
        }
        Path input = write("nogeometry.geojson", collection(f));
        Cli.Outcome o = run("cavi", "--input", input.toString(), "--output", dir.resolve("nogeometry-out").toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("sparkvi: error: the catalogue " + input + " has no usable events: all 5 records "
                + "were rejected {missing_value=5}"), o.err());
        Path out = dir.resolve("nogeometry-convert");
        Cli.Outcome c = run("convert", "--input", input.toString(), "--output", out.toString());
        assertEquals(0, c.code(), c.err());
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(5, rows.size());
        assertTrue(rows.get(0).isNullAt(rows.get(0).fieldIndex("latitude")));
        assertEquals("double", spark.read().parquet(out.toString()).schema().apply("latitude").dataType().typeName());
    }

    @Test
    void nullPropertiesEverywhereLeaveTheStrengthColumnMissing() throws Exception {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            f.add("{\"type\":\"Feature\",\"id\":\"p" + i + "\",\"properties\":null,\"geometry\":{\"type\":\"Point\","
                    + "\"coordinates\":[-120," + (35 + i) + "]}}");
        }
        Path input = write("noproperties.geojson", collection(f));
        Cli.Outcome o = run("cavi", "--input", input.toString(), "--output", dir.resolve("noproperties-out").toString());
        assertEquals(2, o.code(), o.err());
        assertEquals("sparkvi: error: column 'mag' not found in " + input + "; its columns are [id, longitude, latitude, depth]",
                o.err().strip());
    }

    @Test
    void aPropertyNamedLikeACoordinateDoesNotHideTheGeometry() throws Exception {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            f.add("{\"type\":\"Feature\",\"id\":\"q" + i + "\",\"properties\":{\"mag\":2.5,\"lat\":\"x\",\"depth\":1},"
                    + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-120," + (35 + i) + ",7]}}");
        }
        Path input = write("shadow.geojson", collection(f));
        Path out = dir.resolve("shadow-out");
        Cli.Outcome o = run("convert", "--input", input.toString(), "--output", out.toString());
        assertEquals(0, o.code(), o.err());
        Row r = spark.read().parquet(out.toString()).where("id = 'q2'").first();
        assertEquals(37.0, r.getDouble(r.fieldIndex("latitude")), 0);
        assertEquals(7.0, r.getDouble(r.fieldIndex("depth")), 0);
        assertEquals("x", r.getString(r.fieldIndex("properties_lat")));
        assertEquals(1L, r.getLong(r.fieldIndex("properties_depth")));
    }
}
