package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.bench.SyntheticComCat;
import org.sparkvi.io.Json;

/**
 * The columnar reader gives the results the row-by-row reader gave: the ELBO within 1e-9 relative, the same cluster
 * means, and the same most likely cluster for every event (compared independently of label order).
 * <p>
 * The golden values were written by the row-by-row reader at commit ea1be18 ({@code jobs/sparkvi cavi}, local[2]):
 * <pre>
 *   cavi --input data/earthquakes.parquet                                                   (bundled)
 *   cavi --input comcat-100000.parquet --restarts 1 --max-iter 60                           (generated)
 * </pre>
 * with comcat-100000.parquet from {@code jobs/bench cavi-job --sizes 100000 --files 1 --generate-only}
 * (SyntheticComCat, seed 2026), and the digests by {@link #main} on their assignments.parquet.
 */
class ColumnarIngestAgreementTest {
    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
    }

    record Golden(double elbo, double[][] means, String digest) {
    }

    static final Golden BUNDLED = new Golden(-49520.03947386948, new double[][] {
            {-2421.213512515378, -4430.495400443515, 3833.841330933843},
            {-2576.730925100378, -4299.994131127566, 3753.2370480613017}}, "5aa58f95000b755d4a76c3e6931d5232a420faf3aab1f2c369c023070602ffa7");
    static final Golden GENERATED = new Golden(-3049929.229420653, new double[][] {
            {-2787.218870617008, -3266.2844826326136, 4305.136368733114},
            {962.3119332508874, -5715.524336245736, -1069.1682825691976}}, "b28ff099cdbf4b3f49faa7ea0679b2934049dfa9749cdacf59f7bf8d7f74f233");

    @Test
    void bundledCatalogue() throws Exception {
        check(BUNDLED, run("bundled", "--input", "data/earthquakes.parquet"));
    }

    @Test
    void generatedCatalogueOf100000Events() throws Exception {
        Path cat = dir.resolve("comcat-100000.parquet");
        SyntheticComCat.write(spark, cat.toString(), 100_000, 1, 2026);
        check(GENERATED, run("generated", "--input", cat.toString(), "--restarts", "1", "--max-iter", "60"));
    }

    private static Path run(String name, String... args) {
        Path out = dir.resolve(name);
        String[] all = new String[args.length + 3];
        all[0] = "cavi";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--output";
        all[args.length + 2] = out.toString();
        StringWriter err = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), all), err.toString());
        return out;
    }

    private static void check(Golden g, Path out) throws Exception {
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        double elbo = s.get("elbo").asDouble();
        assertEquals(g.elbo(), elbo, 1e-9 * Math.abs(g.elbo()), "ELBO");
        for (double[] mean : g.means()) {
            double best = Double.POSITIVE_INFINITY;
            for (JsonNode c : s.get("clusters")) {
                double d2 = 0;
                for (int j = 0; j < mean.length; j++) {
                    double diff = c.get("mean").get(j).asDouble() - mean[j];
                    d2 += diff * diff;
                }
                best = Math.min(best, Math.sqrt(d2));
            }
            assertEquals(0, best, 1e-6 * 6371, "a golden cluster mean has no match within 1e-6 of the Earth's radius");
        }
        assertEquals(g.digest(), digest(spark, out.resolve("assignments.parquet").toString()), "most likely clusters");
    }

    /**
     * SHA-256 of "index cluster" lines in index order, each label replaced by the smallest index among its events:
     * the same partition of the events gives the same digest whatever the labels are called.
     */
    static String digest(SparkSession spark, String assignments) throws Exception {
        List<Row> rows = spark.read().parquet(assignments).select("index", "cluster").orderBy("index").collectAsList();
        Map<Integer, Long> canonical = new HashMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Row r : rows) {
            long index = r.getLong(0);
            long label = canonical.computeIfAbsent(r.getInt(1), c -> index);
            sha.update((index + " " + label + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Prints the digest of each cavi output folder given: how the golden digests were made. */
    public static void main(String[] args) throws Exception {
        SparkSession s = SparkSession.builder().master("local[2]").getOrCreate();
        for (String a : args) {
            System.out.println(a + " " + digest(s, a + "/assignments.parquet"));
        }
        s.stop();
    }
}
