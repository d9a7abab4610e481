package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
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

/** The cavi, cavi-assign and cavi-history commands end to end, as a user runs them. */
class CaviJobTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static String catalogue;

    /** Three groups of events (Japan, California, Chile) with ComCat columns. */
    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
        Random rnd = new Random(1);
        double[][] centres = {{36, 140}, {36, -120}, {-30, -71}};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double[] c = centres[i % 3];
            double mag = Math.round((1 + (i % 3) * 1.5 + rnd.nextGaussian() * 0.3) * 10) / 10.0;
            rows.add(RowFactory.create("ev" + i, new Timestamp(1_517_400_000_000L + i * 60_000L),
                    c[0] + rnd.nextGaussian(), c[1] + rnd.nextGaussian(), 10.0, mag));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("time", DataTypes.TimestampType)
                .add("latitude", DataTypes.DoubleType).add("longitude", DataTypes.DoubleType)
                .add("depth", DataTypes.DoubleType).add("mag", DataTypes.DoubleType);
        catalogue = dir.resolve("cat.parquet").toString();
        spark.createDataFrame(rows, schema).write().parquet(catalogue);
    }

    static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        assertEquals(0, code, err.toString());
        return code;
    }

    @Test
    void writesEveryOutputAndAssignReproducesTheFit() throws Exception {
        Path out = dir.resolve("run");
        run("cavi", "--input", catalogue, "--output", out.toString(), "--k", "3", "--restarts", "2");
        for (String f : List.of("summary.json", "model/model.json", "clusters.parquet", "assignments.parquet",
                "rejected.parquet", "clusters.png", "elbo.png")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        for (String png : List.of("clusters.png", "elbo.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png);
            assertTrue(img.getWidth() >= 600 && img.getHeight() >= 400, png);
        }
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(300, s.get("n_used").asLong());
        assertEquals(3, s.get("clusters").size());
        assertTrue(s.get("converged").asBoolean());
        JsonNode trace = s.get("elbo_trace");
        assertEquals(s.get("elbo").asDouble(), trace.get(trace.size() - 1).asDouble(), 0.0);
        long events = 0;
        for (JsonNode c : s.get("clusters")) {
            events += c.get("n_events").asLong();
            assertEquals(100, c.get("n_events").asLong(), "each group is one cluster");
            assertTrue(c.get("lambda_ci95").get(0).asDouble() < c.get("lambda_mean").asDouble());
            assertTrue(c.get("largest_event_id").asText().startsWith("ev"));
            assertTrue(c.get("time_start").asText().startsWith("2018-01-31"));
        }
        assertEquals(300, events);
        assertEquals(3, spark.read().parquet(out.resolve("clusters.parquet").toString()).count());

        Path assigned = dir.resolve("assigned");
        run("cavi-assign", "--model", out.toString(), "--input", catalogue, "--output", assigned.toString());
        List<Row> a = spark.read().parquet(out.resolve("assignments.parquet").toString()).orderBy("index").collectAsList();
        List<Row> b = spark.read().parquet(assigned.resolve("assignments.parquet").toString()).orderBy("index").collectAsList();
        assertEquals(300, a.size());
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getString(0), b.get(i).getString(0));
            assertEquals(a.get(i).getInt(2), b.get(i).getInt(2));
            assertArrayEquals(doubles(a.get(i)), doubles(b.get(i)), "responsibilities of " + a.get(i).getString(0));
        }
    }

    private static double[] doubles(Row r) {
        return r.<Double>getList(4).stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void aPictureThatCannotBeDrawnIsSkippedWithAWarningAndTheFitIsKept() throws Exception {
        // K = 1 converges in one update, so elbo.png's log panel gets one gap, about 1e110 with --tau 1e100:
        // JFreeChart's log axis refuses that range (IllegalArgumentException)
        Path out = dir.resolve("extreme-tau");
        run("cavi", "--input", catalogue, "--output", out.toString(), "--k", "1", "--tau", "1e100", "--restarts", "1");
        for (String f : List.of("summary.json", "model/model.json", "clusters.parquet", "assignments.parquet",
                "rejected.parquet", "clusters.png")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertFalse(Files.exists(out.resolve("elbo.png")), "the picture that failed is skipped");
        assertNotNull(ImageIO.read(out.resolve("clusters.png").toFile()));
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(1e100, s.get("hyperparameters").get("tau").asDouble());
        assertEquals(300, s.get("n_used").asLong());
        JsonNode trace = s.get("elbo_trace");
        assertEquals(3, trace.size());
        assertEquals(trace.get(1).asDouble(), trace.get(2).asDouble(), 0.0);
        assertTrue(trace.get(2).asDouble() - trace.get(0).asDouble() > 1e100, "the one gap: " + trace);
        assertEquals(1, s.get("warnings").size(), s.get("warnings").toString());
        String w = s.get("warnings").get(0).asText();
        assertTrue(w.startsWith("elbo.png was not drawn (IllegalArgumentException: A positive range length is required: Range["), w);
        assertTrue(w.endsWith("]); the fit and the other outputs are complete"), w);
        assertEquals(300, spark.read().parquet(out.resolve("assignments.parquet").toString()).count());
    }

    @Test
    void rerunReplacesTheOutputAndHistoryIsIdempotent() throws Exception {
        Path out = dir.resolve("daily");
        run("cavi", "--input", catalogue, "--output", out.toString(), "--k", "2", "--restarts", "1");
        Files.writeString(out.resolve("stale.txt"), "from an older run");
        run("cavi", "--input", catalogue, "--output", out.toString(), "--k", "3", "--restarts", "1");
        assertFalse(Files.exists(out.resolve("stale.txt")), "a rerun replaces the whole folder");
        String history = dir.resolve("history").toString();
        run("cavi-history", "--clusters", out.toString(), "--history", history, "--date", "2018-02-01");
        run("cavi-history", "--clusters", out.toString(), "--history", history, "--date", "2018-02-02");
        run("cavi-history", "--clusters", out.toString(), "--history", history, "--date", "2018-02-01");
        assertEquals(6, spark.read().parquet(history).count(), "two dates of three clusters, the rerun replaced");
        assertEquals(3, spark.read().parquet(history).where("date = '2018-02-01'").count());
    }

    @Test
    void warmStartFromYesterdaysModelConvergesAtOnce() throws Exception {
        Path first = dir.resolve("yesterday");
        run("cavi", "--input", catalogue, "--output", first.toString(), "--k", "3", "--restarts", "2");
        Path second = dir.resolve("today");
        run("cavi", "--input", catalogue, "--output", second.toString(), "--k", "3", "--init-model", first.toString());
        JsonNode a = Json.MAPPER.readTree(Files.readString(first.resolve("summary.json")));
        JsonNode b = Json.MAPPER.readTree(Files.readString(second.resolve("summary.json")));
        assertTrue(b.get("init").asText().startsWith("model:"));
        assertTrue(b.get("iterations").asInt() <= 2, "started at the optimum: " + b.get("iterations"));
        assertEquals(a.get("elbo").asDouble(), b.get("elbo").asDouble(), 1e-6 * Math.abs(a.get("elbo").asDouble()));
    }

    @Test
    void configFileSetsDefaultsAndTheCommandLineWins() throws Exception {
        Path conf = dir.resolve("my.properties");
        Files.writeString(conf, "k = 2\nrestarts = 1\nmax-iter = 7\n");
        Path out = dir.resolve("conf-run");
        run("cavi", "--config", conf.toString(), "--input", catalogue, "--output", out.toString(), "--max-iter", "9");
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(2, s.get("k").asInt(), "from the file");
        assertEquals(9, s.get("max_iter").asInt(), "the command line wins");
        assertEquals(1, s.get("restarts").asInt());
    }
}
