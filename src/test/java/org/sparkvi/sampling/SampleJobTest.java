package org.sparkvi.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.FailedTaskCounter;
import org.sparkvi.TestSpark;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.cli.Main;
import org.sparkvi.io.Json;

/** The sample and gradients commands on Spark: partition invariance, retries, outputs, bad input. */
class SampleJobTest {
    @TempDir
    Path dir;

    static List<Row> rows(SparkSession spark, Law law, int partitions) {
        return SampleJob.dataset(spark, law, 5_000, partitions, 3).orderBy("index").collectAsList();
    }

    @Test
    void theValueAtEachIndexDoesNotDependOnThePartitioning() {
        SparkSession spark = TestSpark.get();
        for (Law law : List.of(new Law.Exponential(2), new Law.Categorical(new double[] {0.25, 0.75}, 0.5),
                new Law.Normal(1, 3))) {
            List<Row> one = rows(spark, law, 1);
            assertEquals(one, rows(spark, law, 3), law.name() + ", 3 partitions");
            assertEquals(one, rows(spark, law, 7), law.name() + ", 7 partitions");
        }
    }

    @Test
    void retriedTasksGiveTheSameSamplesAndSummary() throws Exception {
        SparkSession spark = TestSpark.get();
        Law law = new Law.Normal(0, 1);
        List<Row> clean = rows(spark, law, 3);
        SampleSummary cleanSummary = SampleJob.summarise(spark, law, 20_000, 3, 3);
        FailedTaskCounter failures = new FailedTaskCounter();
        spark.sparkContext().addSparkListener(failures);
        spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "true");
        try {
            assertEquals(clean, rows(spark, law, 3));
            SampleSummary s = SampleJob.summarise(spark, law, 20_000, 3, 3);
            assertEquals(cleanSummary.direct.mean(), s.direct.mean(), 0.0);
            assertEquals(cleanSummary.reparameterized.variance(), s.reparameterized.variance(), 0.0);
            assertArrayEquals(cleanSummary.directHistogram, s.directHistogram);
        } finally {
            spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().removeSparkListener(failures);
        }
        assertTrue(failures.injectedFailures() >= 6, "injected failures: " + failures.injectedFailures());
    }

    static int run(StringWriter err, String... args) {
        return Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void commandsWriteTheirOutputs() throws Exception {
        TestSpark.get();
        Path cat = dir.resolve("cat");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "sample", "categorical", "--n", "20000", "--output", cat.toString()), err.toString());
        assertTrue(Files.exists(cat.resolve("histogram.png")));
        assertEquals(20000, TestSpark.get().read().parquet(cat.resolve("samples.parquet").toString()).count());
        JsonNode r = Json.MAPPER.readTree(Files.readString(cat.resolve("report.json")));
        assertTrue(r.at("/chi2/direct/p_value").asDouble() > 1e-7);
        Path exp = dir.resolve("exp");
        assertEquals(0, run(err, "sample", "exponential", "--n", "20000", "--rate", "2", "--output", exp.toString()), err.toString());
        JsonNode e = Json.MAPPER.readTree(Files.readString(exp.resolve("report.json")));
        assertEquals(0.5, e.at("/mean/exact").asDouble(), 1e-15);
        assertTrue(e.at("/ks/two_sample/p_value").asDouble() > 1e-7);
        Path grad = dir.resolve("grad");
        assertEquals(0, run(err, "gradients", "--samples", "20000", "--t", "0,1", "--dim", "2", "--output", grad.toString()),
                err.toString());
        JsonNode g = Json.MAPPER.readTree(Files.readString(grad.resolve("report.json")));
        assertEquals(2, g.get("points").size());
        assertTrue(g.at("/points/1/estimators/sticking_the_landing/total_variance").asDouble() < 1e-20);
        assertTrue(Files.exists(grad.resolve("variance.png")));
    }

    @Test
    void tooFewDrawsSkipTheTestsThatNeedMoreAndStillWriteTheSamples() throws Exception {
        TestSpark.get();
        Path one = dir.resolve("one");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "sample", "normal", "--n", "1", "--output", one.toString()), err.toString());
        assertEquals(1, TestSpark.get().read().parquet(one.resolve("samples.parquet").toString()).count());
        assertTrue(Files.exists(one.resolve("histogram.png")));
        JsonNode r = Json.MAPPER.readTree(Files.readString(one.resolve("report.json")));
        assertEquals("the sample variance needs at least 2 draws each way, got 1", r.at("/skipped/variance").asText());
        assertEquals("the Kolmogorov-Smirnov tests need at least 2 draws each way, got 1", r.at("/skipped/ks").asText());
        assertTrue(r.get("ks").isNull());
        assertEquals(List.of("exact"), iterable(r.get("variance").fieldNames()));
        double draw = TestSpark.get().read().parquet(one.resolve("samples.parquet").toString()).first().getDouble(1);
        assertEquals(draw, r.at("/mean/direct_z").asDouble(), 0.0, "one draw of N(0, 1) is its own z-score");

        Path cat = dir.resolve("cat-one");
        assertEquals(0, run(err, "sample", "categorical", "--n", "1", "--output", cat.toString()), err.toString());
        JsonNode c = Json.MAPPER.readTree(Files.readString(cat.resolve("report.json")));
        assertEquals("the chi-square tests need an expected count n*pi of at least 5 in every category, the smallest "
                + "is 0.1000 (n = 1); draws in zero-probability categories are still counted", c.at("/skipped/chi2").asText());
        assertTrue(c.at("/chi2/direct/p_value").isMissingNode());
        assertEquals(0, c.at("/chi2/direct/draws_in_zero_probability_categories").asLong());

        Path two = dir.resolve("two");
        assertEquals(0, run(err, "sample", "exponential", "--n", "2", "--output", two.toString()), err.toString());
        JsonNode t = Json.MAPPER.readTree(Files.readString(two.resolve("report.json")));
        assertTrue(t.get("skipped").isNull(), "two draws allow every test: " + t.get("skipped"));
        assertEquals(2, t.at("/ks/sample_size").asInt());
        assertTrue(Double.isFinite(t.at("/variance/direct_z").asDouble()));
    }

    static <T> java.util.List<T> iterable(java.util.Iterator<T> it) {
        java.util.List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    @Test
    void badInputGetsAClearError() {
        TestSpark.get();
        String out = dir.resolve("never").toString();
        String[][] cases = {
            {"sample", "exponential", "--rate", "0", "--output", out}, {"--rate must be a positive"},
            {"sample", "exponential", "--rate", "-1", "--output", out}, {"--rate"},
            {"sample", "exponential", "--rate", "NaN", "--output", out}, {"--rate"},
            {"sample", "categorical", "--probs", "0.5,-0.1,0.6", "--output", out}, {"non-negative"},
            {"sample", "categorical", "--probs", "0.5,NaN", "--output", out}, {"finite"},
            {"sample", "categorical", "--probs", "0.5,0.6", "--output", out}, {"sum to 1", "not normalised"},
            {"sample", "categorical", "--probs", "1", "--output", out}, {"at least two"},
            {"sample", "categorical", "--probs", "a,b", "--output", out}, {"comma list of numbers"},
            {"sample", "categorical", "--temperature", "0", "--output", out}, {"--temperature"},
            {"sample", "normal", "--std", "0", "--output", out}, {"--std"},
            {"sample", "normal", "--n", "0", "--output", out}, {"--n must be between 1"},
            {"sample", "normal", "--n", "-5", "--output", out}, {"--n must be between 1"},
            {"sample", "normal", "--n", "2000000000000", "--output", out}, {"--n must be between 1"},
            {"sample", "normal", "--n", "99999999999999999999", "--output", out}, {"--n"},
            {"sample", "exponential", "--rate", "1e-300", "--n", "1000", "--output", out},
                {"--rate must lie between 1e-100 and 1e100, got 1.0E-300 (further out, the variance of the draws "
                    + "overflows or underflows double precision)"},
            {"sample", "exponential", "--rate", "1e300", "--n", "1000", "--output", out},
                {"--rate must lie between 1e-100 and 1e100, got 1.0E300"},
            {"sample", "normal", "--std", "1e200", "--n", "1000", "--output", out},
                {"--std must lie between 1e-100 and 1e100, got 1.0E200"},
            {"sample", "normal", "--mean", "-1e200", "--n", "1000", "--output", out},
                {"--mean must lie between -1e100 and 1e100, got -1.0E200"},
            {"gradients", "--noise-sd", "1e-160", "--samples", "1000", "--output", out},
                {"--noise-sd must lie between 1e-10 and 1e10, got 1.0E-160 (further out, the estimators' variances can "
                    + "overflow double precision)"},
            {"gradients", "--prior-sd", "1e20", "--samples", "1000", "--output", out},
                {"--prior-sd must lie between 1e-10 and 1e10, got 1.0E20"},
            {"gradients", "--t", "1.5", "--output", out}, {"--t values must lie in [0, 1]"},
            {"gradients", "--samples", "1", "--output", out}, {"--samples"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            StringWriter err = new StringWriter();
            int code = run(err, cases[i]);
            assertEquals(2, code, String.join(" ", cases[i]) + ": " + err);
            for (String f : cases[i + 1]) {
                assertTrue(err.toString().contains(f), String.join(" ", cases[i]) + " should say '" + f + "': " + err);
            }
        }
        assertTrue(!Files.exists(Path.of(out)), "no output from a refused run");
    }
}
