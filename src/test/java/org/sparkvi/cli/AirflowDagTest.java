package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.Json;

/**
 * The Airflow DAG without Airflow: jobs/airflow/render_args.py reads the DAG with Python's ast and renders the
 * arguments of its tasks for a date; the test runs exactly those commands, in the DAG's order, on a small
 * date-partitioned catalogue, then checks that the summary and the history rows are where the DAG says.
 */
class AirflowDagTest {
    @TempDir
    Path dir;

    @Test
    void theDagsCommandsWriteTheDaysSummaryAndHistory() throws Exception {
        SparkSession spark = TestSpark.get();
        Path catalogue = dir.resolve("catalogue");
        Random rnd = new Random(4);
        StructType schema = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
                .add("longitude", DataTypes.DoubleType).add("mag", DataTypes.DoubleType);
        for (String date : List.of("2018-02-01", "2018-02-02")) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                rows.add(RowFactory.create(date + "-" + i, (i % 2 == 0 ? 36 : -20) + rnd.nextGaussian(),
                        (i % 2 == 0 ? 140 : -70) + rnd.nextGaussian(), 2 + rnd.nextDouble() * 3));
            }
            spark.createDataFrame(rows, schema).write().parquet(catalogue.resolve("date=" + date).toString());
        }
        Path output = dir.resolve("earthquakes");
        for (String date : List.of("2018-02-01", "2018-02-02", "2018-02-01")) { // the last: a rerun
            for (JsonNode task : render(date, catalogue, output).get("tasks")) {
                assertEquals("org.sparkvi.cli.Main", task.get("java_class").asText());
                List<String> args = new ArrayList<>();
                task.get("args").forEach(a -> args.add(a.asText()));
                StringWriter err = new StringWriter();
                int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                        args.toArray(new String[0]));
                assertEquals(0, code, task.get("task_id").asText() + ": " + err);
            }
        }
        JsonNode summary = Json.MAPPER.readTree(Files.readString(output.resolve("clusters/date=2018-02-01/summary.json")));
        assertEquals(60, summary.get("n_used").asLong());
        assertEquals(2, summary.get("k").asInt());
        var history = spark.read().parquet(output.resolve("history").toString());
        assertEquals(4, history.count(), "two clusters a day, two days; the rerun replaced its day");
        assertEquals(2, history.where("date = '2018-02-02'").count());
    }

    private JsonNode render(String date, Path catalogue, Path output) throws Exception {
        Process p = new ProcessBuilder("python3", "jobs/airflow/render_args.py", "jobs/airflow/earthquake_clusters.py", date,
                "SPARKVI_CATALOGUE_ROOT=" + catalogue, "SPARKVI_OUTPUT_ROOT=" + output, "SPARKVI_K=2")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return Json.MAPPER.readTree(out);
    }
}
