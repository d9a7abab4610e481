package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.vae.VaeModel;

/**
 * The socket engine across executors: a standalone cluster of two workers with 2 cores each (one executor of 2 cores
 * on each), started once for the class. A VAE epoch over 2 and 4 partitions gives parameters bit-identical to the
 * in-memory engine in local mode with the same partitions (and within float32 round-off, 1e-5, of single-process training), and killing
 * one executor's JVM by its pid mid-epoch ends in the parameters of an uninterrupted run. Every process is stopped by
 * its id.
 */
class SocketEngineClusterTest {
    @TempDir
    static Path dir;
    static StandaloneCluster cluster;
    /** One executor of 2 cores per worker, and the socket engine's settings. */
    static final List<String> CONF = List.of("spark.executor.cores=2", "spark.barrier.sync.timeout=120s",
            "spark.sparkvi.vae.exchangeTimeout=60s");

    @BeforeAll
    static void start() throws Exception {
        TestSpark.get(); // the local runs share the test JVM's local[4] session
        cluster = new StandaloneCluster(dir, 2, 2, "1536m");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
            assertTrue(cluster.allStopped(), "every process the test started is stopped");
        }
    }

    static double[] onCluster(String name, String... args) throws Exception {
        Path log = dir.resolve(name + ".log");
        Path out = dir.resolve(name);
        assertEquals(0, StandaloneCluster.await(cluster.launch(log, CONF, StandaloneClusterTest.concat(args, "--data",
                Path.of("data/mnist-sample").toAbsolutePath().toString(), "--output", out.toString())), log), "see " + log);
        return VaeModel.load(out.toString(), new Configuration()).params();
    }

    static double[] local(String name, String... args) {
        Path out = dir.resolve(name);
        StandaloneClusterTest.local(StandaloneClusterTest.concat(args, "--data", "data/mnist-sample", "--output",
                out.toString()));
        return VaeModel.load(out.toString(), new Configuration()).params();
    }

    /** Over 4 partitions; StandaloneClusterTest's VAE run covers 2 partitions on 2 one-core executors (auto picks sockets). */
    @Test
    void anEpochOverFourPartitionsOnTwoExecutorsEqualsTheInMemoryEngine() throws Exception {
        String[] vae = {"vae", "--epochs", "1", "--hidden", "32", "--latent", "8", "--iwae-images", "10", "--iwae-k", "5",
            "--test-images", "100"};
        double[] single = local("single", StandaloneClusterTest.concat(vae, "--single-process"));
        for (int p : new int[] {4}) {
            String[] run = StandaloneClusterTest.concat(vae, "--partitions", String.valueOf(p));
            double[] sockets = onCluster("cluster-" + p, StandaloneClusterTest.concat(run, "--engine", "socket"));
            double[] inMemory = local("local-" + p, StandaloneClusterTest.concat(run, "--engine", "barrier"));
            assertArrayEquals(inMemory, sockets, p + " partitions: socket engine on the cluster vs in-memory engine");
            double maxDiff = 0;
            for (int i = 0; i < single.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(sockets[i] - single[i]));
            }
            // float32 (the default): VaeTrainingTest's bound, 1e-5 = 1% of one Adam step (a shard missed or counted
            // twice would move parameters by a whole step, 1e-3); the sum's grouping differs in the last bit only
            assertTrue(maxDiff < 1e-5, p + " partitions vs single process: " + maxDiff);
        }
    }

    static int rendezvous(String driverLog) {
        return driverLog.split("rendezvous: all ", -1).length - 1;
    }

    @Test
    void killingAnExecutorMidEpochEndsInTheParametersOfAnUninterruptedRun() throws Exception {
        // the full-size network (1.19M parameters) so that an epoch lasts seconds; 2 epochs over 4 partitions
        String[] vae = {"vae", "--epochs", "2", "--partitions", "4", "--iwae-images", "10", "--iwae-k", "5",
            "--test-images", "100", "--engine", "socket"};
        Path log = dir.resolve("killed.log");
        Path out = dir.resolve("killed");
        Process driver = cluster.launch(log, CONF, StandaloneClusterTest.concat(vae, "--data",
                Path.of("data/mnist-sample").toAbsolutePath().toString(), "--output", out.toString()));
        // the driver's tracker logs each rendezvous (one per epoch); after the second, epoch 2 is stepping
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (rendezvous(Files.readString(log)) < 2) {
            assertTrue(driver.isAlive(), "the driver ended before epoch 2 began; see " + log);
            assertTrue(System.nanoTime() < deadline, "epoch 2 did not begin in 240 s; see " + log);
            Thread.sleep(50);
        }
        List<ProcessHandle> executors = cluster.executors();
        assertEquals(2, executors.size(), "one executor per worker: " + executors);
        assertTrue(executors.get(0).destroyForcibly(), "kill -9 of executor pid " + executors.get(0).pid());
        assertEquals(0, StandaloneCluster.await(driver, log), "see " + log);
        String driverLog = Files.readString(log);
        assertTrue(driverLog.contains("ExecutorLostFailure"), "the kill hit running tasks; see " + log);
        assertTrue(!driverLog.contains("epoch 2/2: train loss") || driverLog.indexOf("epoch 2/2: train loss")
                > driverLog.indexOf("ExecutorLostFailure"), "epoch 2 ended after the kill");
        double[] killed = VaeModel.load(out.toString(), new Configuration()).params();
        double[] uninterrupted = local("uninterrupted", "vae", "--epochs", "2", "--partitions", "4", "--iwae-images",
                "10", "--iwae-k", "5", "--test-images", "100", "--engine", "barrier");
        assertArrayEquals(uninterrupted, killed, "after an executor was killed mid-epoch vs uninterrupted");
    }
}
