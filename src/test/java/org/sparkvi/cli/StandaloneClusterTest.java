package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.Json;
import org.sparkvi.vae.VaeModel;

/**
 * The three jobs on a real standalone cluster (a master and two workers on 127.0.0.1, separate JVMs), submitted
 * through SparkSubmit, each equal to the same job run in local mode: bit for bit, since the partitions and the merge
 * order are the same. Every process is stopped by its id, even when the test fails.
 */
class StandaloneClusterTest {
    @TempDir
    Path dir;

    static void local(String... args) {
        StringWriter err = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args), err.toString());
    }

    @Test
    void jobsOnAClusterEqualLocalMode() throws Exception {
        SparkSession spark = TestSpark.get();
        StandaloneCluster cluster = new StandaloneCluster(dir, 2, 1, "1536m");
        try {
            // CAVI on the bundled catalogue
            String[] cavi = {"cavi", "--k", "6", "--restarts", "2", "--partitions", "4"};
            Path clusterCavi = dir.resolve("cluster-cavi");
            assertEquals(0, cluster.submit(dir.resolve("submit-cavi.log"), concat(cavi, "--input",
                    Path.of("data/earthquakes.parquet").toAbsolutePath().toString(), "--output", clusterCavi.toString())),
                    "see " + dir.resolve("submit-cavi.log"));
            Path localCavi = dir.resolve("local-cavi");
            local(concat(cavi, "--input", "data/earthquakes.parquet", "--output", localCavi.toString()));
            JsonNode a = Json.MAPPER.readTree(Files.readString(clusterCavi.resolve("summary.json")));
            JsonNode b = Json.MAPPER.readTree(Files.readString(localCavi.resolve("summary.json")));
            assertEquals(b.get("elbo").asDouble(), a.get("elbo").asDouble(), 0.0, "CAVI ELBO, cluster vs local");
            assertEquals(b.get("elbo_trace"), a.get("elbo_trace"));
            assertEquals(b.get("clusters"), a.get("clusters"));
            assertEquals(1707, a.get("n_used").asLong());

            // executor loss mid-fit: one executor's JVM killed by its pid (SIGKILL) after iteration 10 has been
            // logged. Its cached blocks and its share of the ingest shuffle are lost and recomputed, its tasks rerun;
            // the fit must end bit-identical to an uninterrupted run (local mode, the same partitions).
            Path big = dir.resolve("synthetic.parquet");
            org.sparkvi.bench.SyntheticComCat.write(spark, big.toString(), 200_000, 2, 11L);
            String[] fit = {"cavi", "--k", "8", "--restarts", "1", "--max-iter", "60", "--tol", "0", "--partitions", "4",
                "--input", big.toString()};
            Path killedCavi = dir.resolve("killed-cavi");
            Path killLog = dir.resolve("submit-killed-cavi.log");
            Process run = cluster.launch(killLog, List.of(), concat(fit, "--output", killedCavi.toString()));
            long deadline = System.nanoTime() + 240_000_000_000L;
            while (!Files.readString(killLog).contains("iteration 10:")) {
                assertTrue(run.isAlive() && System.nanoTime() < deadline, "no iteration 10 in " + killLog);
                Thread.sleep(20);
            }
            List<ProcessHandle> executors = cluster.executors();
            assertEquals(2, executors.size(), "executor JVMs");
            assertTrue(executors.get(0).destroyForcibly());
            assertTrue(run.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "see " + killLog);
            assertEquals(0, run.exitValue(), "see " + killLog);
            String killed = Files.readString(killLog);
            int lost = killed.indexOf("Lost executor");
            assertTrue(lost > 0 && lost < killed.indexOf("restart 1/1: ELBO"), "the executor was lost before the fit "
                    + "ended; see " + killLog);
            Path uninterrupted = dir.resolve("uninterrupted-cavi");
            local(concat(fit, "--output", uninterrupted.toString()));
            JsonNode k1 = Json.MAPPER.readTree(Files.readString(killedCavi.resolve("summary.json")));
            JsonNode k0 = Json.MAPPER.readTree(Files.readString(uninterrupted.resolve("summary.json")));
            assertEquals(k0.get("elbo_trace"), k1.get("elbo_trace"), "ELBO trace after an executor loss");
            assertEquals(k0.get("clusters"), k1.get("clusters"), "clusters after an executor loss");
            assertEquals(200_000, k1.get("n_used").asLong());

            // one VAE epoch on part of the bundled sample, data-parallel over 2 partitions: sockets here, memory locally
            String[] vae = {"vae", "--epochs", "1", "--hidden", "32", "--latent", "8", "--partitions", "2", "--iwae-images",
                "10", "--iwae-k", "5", "--test-images", "100"};
            Path clusterVae = dir.resolve("cluster-vae");
            assertEquals(0, cluster.submit(dir.resolve("submit-vae.log"), concat(vae, "--data",
                    Path.of("data/mnist-sample").toAbsolutePath().toString(), "--output", clusterVae.toString())),
                    "see " + dir.resolve("submit-vae.log"));
            assertTrue(Files.readString(dir.resolve("submit-vae.log")).contains("exchanging gradients over sockets"),
                    "on a cluster --engine auto runs the socket engine: 2 tasks on 2 one-core executors");
            Path localVae = dir.resolve("local-vae");
            local(concat(vae, "--data", "data/mnist-sample", "--output", localVae.toString()));
            assertArrayEquals(VaeModel.load(localVae.toString(), new Configuration()).params(),
                    VaeModel.load(clusterVae.toString(), new Configuration()).params(), 0.0, "VAE parameters, cluster vs local");

            // a sampler
            String[] sample = {"sample", "categorical", "--n", "200000", "--partitions", "3"};
            Path clusterSample = dir.resolve("cluster-sample");
            assertEquals(0, cluster.submit(dir.resolve("submit-sample.log"), concat(sample, "--output", clusterSample.toString())),
                    "see " + dir.resolve("submit-sample.log"));
            Path localSample = dir.resolve("local-sample");
            local(concat(sample, "--output", localSample.toString()));
            List<Row> x = spark.read().parquet(clusterSample.resolve("samples.parquet").toString()).orderBy("index").collectAsList();
            List<Row> y = spark.read().parquet(localSample.resolve("samples.parquet").toString()).orderBy("index").collectAsList();
            assertEquals(200_000, x.size());
            assertEquals(y, x, "samples, cluster vs local");
            assertEquals(Json.MAPPER.readTree(Files.readString(localSample.resolve("report.json"))).get("chi2"),
                    Json.MAPPER.readTree(Files.readString(clusterSample.resolve("report.json"))).get("chi2"));
        } finally {
            cluster.close();
        }
        assertTrue(cluster.allStopped(), "every process the test started is stopped");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
