package org.sparkvi.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.FailedTaskCounter;
import org.sparkvi.TestSpark;
import org.sparkvi.UserInputException;
import org.sparkvi.spark.FaultInjection;

/**
 * The socket barrier engine in local mode (its tasks are threads of this JVM, but talk only over loopback sockets):
 * bit-identical to the in-memory barrier engine with the same partitions, relaunched from the epoch's start after a
 * failure, interchangeable with it through checkpoints, and refusing settings it cannot run under.
 */
class SocketEpochEngineTest {
    static final VaeConfig CONFIG = VaeTrainingTest.CONFIG;
    static MnistData train;
    static MnistData test;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        train = MnistData.load(Path.of("data/mnist-sample"), "train").first(400);
        test = MnistData.load(Path.of("data/mnist-sample"), "t10k");
    }

    static TrainingState barrier(VaeConfig c, int partitions, TrainingState resume) {
        try (BarrierEpochEngine engine = new BarrierEpochEngine(TestSpark.get(), train, partitions)) {
            return VaeTrainer.train(c, train, test, 100, engine, resume, VaeListener.NONE, null);
        }
    }

    static TrainingState socket(VaeConfig c, int partitions, TrainingState resume) {
        try (SocketEpochEngine engine = new SocketEpochEngine(TestSpark.get(), train, partitions)) {
            TrainingState s = VaeTrainer.train(c, train, test, 100, engine, resume, VaeListener.NONE, null);
            SocketEpochEngine.EpochStats stats = engine.lastEpochStats();
            assertEquals(8, stats.steps());
            boolean shared = !SocketEpochEngine.transport(TestSpark.get()).equals("tcp")
                    && java.nio.file.Files.isWritable(Path.of("/dev/shm")); // the tasks are threads of one host
            assertEquals(shared ? partitions * (partitions - 1) / 2 : 0, stats.sharedMemoryLinks(), "pairs in shared memory");
            // each rank sends 2(P−1)/P of the parameters per step, 4 bytes each in float32 and 8 in double, plus P−1
            // losses (8 bytes each)
            int size = new VaeLayout(c).size();
            int bytes = c.inFloat() ? Float.BYTES : Double.BYTES;
            double expected = (double) bytes * 2 * (size - (size / partitions)) + 8.0 * (partitions - 1);
            // float32 slices travel in chunks as the backward pass finishes layers: 8 bytes of header each, at most
            // one per layer boundary and one more per peer
            double headers = c.inFloat() ? 8.0 * 6 * (partitions - 1) : 0;
            assertTrue(Math.abs(stats.bytesPerRankPerStep() - expected) <= bytes * 2.0 * (partitions - 1) + headers,
                    stats + " vs about " + expected);
            return s;
        }
    }

    static void assertSameState(TrainingState expected, TrainingState actual) {
        assertArrayEquals(expected.params(), actual.params());
        assertArrayEquals(expected.adamM(), actual.adamM());
        assertArrayEquals(expected.adamV(), actual.adamV());
        assertEquals(expected.adamStep(), actual.adamStep());
        for (int e = 0; e < expected.metrics().size(); e++) {
            assertEquals(expected.metrics().get(e).trainLoss(), actual.metrics().get(e).trainLoss(), 0.0);
            assertEquals(expected.metrics().get(e).testLoss(), actual.metrics().get(e).testLoss(), 0.0);
        }
    }

    /** Over both transports: shared memory (the default, the tasks being on one host) and TCP. */
    @Test
    void socketEngineEqualsTheInMemoryEngineBitForBitInBothPrecisions() {
        for (String transport : new String[] {"auto", "tcp"}) {
            TestSpark.get().conf().set(SocketEpochEngine.TRANSPORT, transport);
            try {
                for (VaeConfig.Precision precision : VaeConfig.Precision.values()) {
                    for (int p : new int[] {2, 4}) {
                        VaeConfig c = CONFIG.withPrecision(precision);
                        assertSameState(barrier(c, p, null), socket(c, p, null));
                    }
                }
            } finally {
                TestSpark.get().conf().unset(SocketEpochEngine.TRANSPORT);
            }
        }
    }

    /**
     * Two epochs, each failing once mid-epoch (the last rank, at step 3, after two steps moved every replica on): the
     * second epoch starts from the state each executor kept from the first (its cache), and its relaunch must find
     * that state untouched by the failed attempt.
     */
    @Test
    void aFailedStageIsRelaunchedFromTheEpochsStart() throws Exception {
        SparkSession spark = TestSpark.get();
        VaeConfig c = CONFIG;
        TrainingState clean = barrier(c, 2, null);
        FailedTaskCounter failures = new FailedTaskCounter();
        spark.sparkContext().addSparkListener(failures);
        spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "true");
        TrainingState retried;
        int cached;
        try (SocketEpochEngine engine = new SocketEpochEngine(spark, train, 2)) {
            retried = VaeTrainer.train(c, train, test, 100, engine, null, VaeListener.NONE, null);
            cached = engine.lastEpochStats().ranksStartingFromTheirCache();
        } finally {
            spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().removeSparkListener(failures);
        }
        // each epoch's first stage attempt failed (the injected task, or its peer noticing first: over shared memory
        // the peer often fails the stage before the injected task reports, which Spark then records as killed)
        assertTrue(failures.failedStageAttempts() >= 2, "failed stage attempts: " + failures.failedStageAttempts()
                + " (injected failures reported: " + failures.injectedFailures() + ")");
        assertEquals(2, cached, "both ranks of epoch 2's relaunch started from their executor's cache");
        assertSameState(clean, retried);
    }

    /**
     * The executors' cached state is used only when the driver's state is the one they ended the last epoch with: a
     * state changed between epochs (here one parameter) is fetched from the driver instead, and the result equals the
     * in-memory engine's from the same changed state. Epoch 1 also runs in an order of the caller's own.
     */
    @Test
    void aStateChangedBetweenEpochsIsNotTakenFromTheCache() {
        VaeConfig c = CONFIG;
        // epoch 1's order is not the trainer's seeded permutation: the engines take the caller's order
        int[] reversed = TrainingData.permutation(c.seed(), 1, train.count());
        for (int i = 0, j = reversed.length - 1; i < j; i++, j--) {
            int t = reversed[i];
            reversed[i] = reversed[j];
            reversed[j] = t;
        }
        int[][] orders = {TrainingData.permutation(c.seed(), 0, train.count()), reversed};
        double[][] params = new double[2][];
        Adam[] adams = new Adam[2];
        int[] cached = new int[2];
        for (int k = 0; k < 2; k++) {
            VaeLayout layout = new VaeLayout(c);
            params[k] = layout.initialParameters(c.seed());
            Floats.round(params[k]);
            adams[k] = new Adam(layout.size(), c.learningRate(), c.beta1(), c.beta2(), c.adamEps());
            try (EpochEngine engine = k == 0 ? new BarrierEpochEngine(TestSpark.get(), train, 2)
                    : new SocketEpochEngine(TestSpark.get(), train, 2)) {
                for (int e = 0; e < 2; e++) {
                    engine.epoch(c, params[k], adams[k], e, orders[e], (s, done, loss, size) -> { });
                    if (e == 0) {
                        params[k][7] = Math.nextUp((float) params[k][7]); // still a float32 value
                    }
                }
                if (engine instanceof SocketEpochEngine socket) {
                    cached[k] = socket.lastEpochStats().ranksStartingFromTheirCache();
                }
            }
        }
        assertEquals(0, cached[1], "no rank may start from a cached state the driver no longer holds");
        assertArrayEquals(params[0], params[1]);
        assertArrayEquals(adams[0].m, adams[1].m);
        assertArrayEquals(adams[0].v, adams[1].v);
    }

    @Test
    void checkpointsResumeUnderEitherEngine() {
        Configuration conf = new Configuration();
        TrainingState whole = barrier(CONFIG, 2, null);
        VaeConfig one = CONFIG.withEpochs(1);
        String bySocket = dir.resolve("socket").toString();
        socket(one, 2, null).save(bySocket, conf);
        assertSameState(whole, barrier(CONFIG, 2, TrainingState.latest(bySocket, conf)));
        String byBarrier = dir.resolve("barrier").toString();
        barrier(one, 2, null).save(byBarrier, conf);
        assertSameState(whole, socket(CONFIG, 2, TrainingState.latest(byBarrier, conf)));
    }

    @Test
    void aHugeLearningRateDivergesAtTheSameStepAsTheInMemoryEngine() {
        VaeConfig c = new VaeConfig(784, 64, 16, 2, 50, 1000, 0.9, 0.999, 1e-8, 0.2, 0, VaeConfig.Binarize.ROUND,
                VaeConfig.Estimator.ANALYTIC, VaeConfig.Precision.FLOAT);
        DivergenceException inMemory = assertThrows(DivergenceException.class, () -> barrier(c, 2, null));
        DivergenceException sockets;
        try (SocketEpochEngine engine = new SocketEpochEngine(TestSpark.get(), train, 2)) {
            sockets = assertThrows(DivergenceException.class, () -> VaeTrainer.train(c, train, test, 100, engine, null,
                    VaeListener.NONE, null));
        }
        assertEquals(inMemory.getMessage(), sockets.getMessage());
    }

    @Test
    void settingsItCannotRunUnderAreRefusedNamingTheSetting() {
        SparkConf dynamic = new SparkConf(false).set("spark.dynamicAllocation.enabled", "true")
                .set("spark.barrier.sync.timeout", "60s");
        assertEquals("the socket engine runs a barrier stage, which Spark refuses under dynamic allocation: set "
                + "spark.dynamicAllocation.enabled=false (or use --engine steps)", SocketEpochEngine.settingsRefusal(dynamic, "auto"));
        assertEquals("spark.barrier.sync.timeout is at its default of 365 days, so a task that never reaches the "
                + "rendezvous would hold the job for a year: set it, e.g. --conf spark.barrier.sync.timeout=300s",
                SocketEpochEngine.settingsRefusal(new SparkConf(false), "auto"));
        SparkConf timed = new SparkConf(false).set("spark.barrier.sync.timeout", "60s");
        assertEquals(null, SocketEpochEngine.settingsRefusal(timed, "auto"));
        assertEquals(null, SocketEpochEngine.settingsRefusal(timed, "tcp"));
        assertEquals("spark.sparkvi.vae.transport=shm is not a transport: use auto (shared memory between ranks on one "
                + "host, TCP between hosts) or tcp", SocketEpochEngine.settingsRefusal(timed, "shm"));
        assertEquals("--partitions 4 needs 4 task slots at once (a barrier stage starts all its tasks together) but "
                + "Spark has 2 (executors × spark.executor.cores / spark.task.cpus): use --partitions 2 or fewer, or "
                + "give the job more executors or cores (spark.executor.instances, spark.cores.max, spark.executor.cores)",
                SocketEpochEngine.slotsRefusal(4, 2, false));
        // local[4,3] has 4 slots: 5 partitions are refused at once (no waiting in local mode), before any stage runs
        long t0 = System.nanoTime();
        UserInputException e = assertThrows(UserInputException.class, () -> EpochEngines.choose(TestSpark.get(), CONFIG,
                train, 5, "socket"));
        assertTrue(e.getMessage().startsWith("--engine socket: --partitions 5 needs 5 task slots at once"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5);
    }
}
