package org.sparkvi.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.FailedTaskCounter;
import org.sparkvi.TestSpark;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.io.AtomicOutput;

/**
 * Data-parallel training equals single-process training on the same minibatches and seed (1, 2 and 4 partitions,
 * to round-off), is bit-identical after task retries, and a run resumed from a checkpoint ends exactly where an
 * uninterrupted one does. A smaller network (784-64-64-(16,16)) and 400 images keep the test fast.
 */
class VaeTrainingTest {
    static final VaeConfig CONFIG = VaeConfig.defaults().withSizes(64, 16, 50).withEpochs(2);
    static MnistData train;
    static MnistData test;
    static TrainingState reference;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        MnistData all = MnistData.load(Path.of("data/mnist-sample"), "train");
        train = new MnistData(400, all.pixels(), Arrays.copyOf(all.images(), 400 * all.pixels()), Arrays.copyOf(all.labels(), 400));
        test = MnistData.load(Path.of("data/mnist-sample"), "t10k");
        reference = VaeTrainer.train(CONFIG, train, test, 100, new LocalGradientSource(CONFIG, train), null, VaeListener.NONE, null);
    }

    @Test
    void trainingLowersTheLoss() {
        // 8 Adam steps from nn.Linear's initialisation: the loss falls from about 784 ln 2 = 543 nats (p = ½ everywhere)
        assertTrue(reference.metrics().get(1).trainLoss() < reference.metrics().get(0).trainLoss() - 10);
        assertTrue(reference.metrics().get(1).testLoss() < reference.metrics().get(0).testLoss() - 10);
    }

    @Test
    void dataParallelEqualsSingleProcess() {
        SparkSession spark = TestSpark.get();
        for (int p : new int[] {1, 2, 4}) {
            TrainingState s;
            try (SparkGradientSource src = new SparkGradientSource(spark, CONFIG, train, p)) {
                s = VaeTrainer.train(CONFIG, train, test, 100, src, null, VaeListener.NONE, null);
            }
            double maxDiff = 0;
            for (int i = 0; i < s.params().length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(s.params()[i] - reference.params()[i]));
            }
            // sums in another grouping differ in the last bits; after 8 Adam steps of size ~1e-3 they stay far below 1e-9
            assertTrue(maxDiff < 1e-9, p + " partitions: max parameter difference " + maxDiff);
            assertEquals(reference.metrics().get(1).trainLoss(), s.metrics().get(1).trainLoss(), 1e-9);
        }
    }

    @Test
    void barrierEngineEqualsTheStepwiseEngineBitForBit() {
        SparkSession spark = TestSpark.get();
        TrainingState stepwise;
        try (SparkGradientSource src = new SparkGradientSource(spark, CONFIG, train, 2)) {
            stepwise = VaeTrainer.train(CONFIG, train, test, 100, src, null, VaeListener.NONE, null);
        }
        TrainingState barrier;
        try (BarrierEpochEngine engine = new BarrierEpochEngine(spark, train, 2)) {
            barrier = VaeTrainer.train(CONFIG, train, test, 100, engine, null, VaeListener.NONE, null);
        }
        assertArrayEquals(stepwise.params(), barrier.params(), 0.0);
        assertArrayEquals(stepwise.adamM(), barrier.adamM(), 0.0);
        assertEquals(stepwise.adamStep(), barrier.adamStep());
        assertEquals(stepwise.metrics().get(1).trainLoss(), barrier.metrics().get(1).trainLoss(), 0.0);
    }

    @Test
    void aFailedBarrierStageIsRelaunchedFromTheEpochsStart() throws Exception {
        SparkSession spark = TestSpark.get();
        VaeConfig c = CONFIG.withEpochs(1);
        TrainingState clean;
        try (BarrierEpochEngine engine = new BarrierEpochEngine(spark, train, 2)) {
            clean = VaeTrainer.train(c, train, test, 50, engine, null, VaeListener.NONE, null);
        }
        FailedTaskCounter failures = new FailedTaskCounter();
        spark.sparkContext().addSparkListener(failures);
        spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "true");
        TrainingState retried;
        try (BarrierEpochEngine engine = new BarrierEpochEngine(spark, train, 2)) {
            retried = VaeTrainer.train(c, train, test, 50, engine, null, VaeListener.NONE, null);
        } finally {
            spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().removeSparkListener(failures);
        }
        assertTrue(failures.injectedFailures() >= 1, "injected failures: " + failures.injectedFailures());
        assertArrayEquals(clean.params(), retried.params(), 0.0);
    }

    @Test
    void retriedTasksGiveBitIdenticalSteps() throws Exception {
        SparkSession spark = TestSpark.get();
        VaeConfig c = CONFIG.withEpochs(1);
        TrainingState clean;
        try (SparkGradientSource src = new SparkGradientSource(spark, c, train, 3)) {
            clean = VaeTrainer.train(c, train, test, 50, src, null, VaeListener.NONE, null);
        }
        FailedTaskCounter failures = new FailedTaskCounter();
        spark.sparkContext().addSparkListener(failures);
        spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "true");
        TrainingState retried;
        try (SparkGradientSource src = new SparkGradientSource(spark, c, train, 3)) {
            retried = VaeTrainer.train(c, train, test, 50, src, null, VaeListener.NONE, null);
        } finally {
            spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().removeSparkListener(failures);
        }
        assertTrue(failures.injectedFailures() >= 3 * 8, "every step's 3 tasks failed once: " + failures.injectedFailures());
        assertArrayEquals(clean.params(), retried.params(), 0.0);
    }

    @Test
    void resumedTrainingEndsWhereAnUninterruptedRunDoes() {
        Configuration conf = new Configuration();
        String checkpoints = dir.resolve("ck").toString();
        VaeConfig one = CONFIG.withEpochs(1);
        VaeTrainer.train(one, train, test, 100, new LocalGradientSource(one, train), null, VaeListener.NONE,
                s -> s.save(checkpoints, conf));
        TrainingState resume = TrainingState.latest(checkpoints, conf);
        assertEquals(1, resume.epochsDone());
        TrainingState resumed = VaeTrainer.train(CONFIG, train, test, 100, new LocalGradientSource(CONFIG, train), resume,
                VaeListener.NONE, null);
        assertArrayEquals(reference.params(), resumed.params(), 0.0);
        for (int e = 0; e < 2; e++) {
            assertEquals(reference.metrics().get(e).trainLoss(), resumed.metrics().get(e).trainLoss(), 0.0);
            assertEquals(reference.metrics().get(e).testLoss(), resumed.metrics().get(e).testLoss(), 0.0);
        }
    }

    /** The local source, but step {@code badStep} (1-based) of epoch {@code badEpoch} returns the given loss and gradient. */
    static GradientSource poisoned(VaeConfig c, int badEpoch, int badStep, double loss, double gradient) {
        LocalGradientSource local = new LocalGradientSource(c, train);
        int[] calls = {0, -1}; // calls this epoch, the epoch
        return (params, epoch, batch, grad) -> {
            calls[0] = epoch == calls[1] ? calls[0] + 1 : 1;
            calls[1] = epoch;
            double l = local.lossAndGradient(params, epoch, batch, grad);
            if (epoch == badEpoch && calls[0] == badStep) {
                java.util.Arrays.fill(grad, gradient);
                return loss;
            }
            return l;
        };
    }

    @Test
    void aNonFiniteLossStopsTrainingAndKeepsTheLastGoodCheckpoint() {
        Configuration conf = new Configuration();
        String checkpoints = dir.resolve("ck").toString();
        java.util.List<String> saved = new java.util.ArrayList<>();
        DivergenceException e = assertThrows(DivergenceException.class, () -> VaeTrainer.train(CONFIG, train, test, 100,
                poisoned(CONFIG, 1, 3, Double.NaN, 0), null, VaeListener.NONE, s -> saved.add(s.save(checkpoints, conf))));
        assertEquals("training diverged at epoch 2, step 3 of 8: the training loss is NaN; try a smaller --learning-rate "
                + "(this run used 0.001)", e.getMessage());
        assertEquals(java.util.List.of(checkpoints + "/epoch-001"), saved, "no checkpoint of the diverged epoch");
        TrainingState kept = TrainingState.latest(checkpoints, conf);
        assertEquals(1, kept.epochsDone());
        assertTrue(Arrays.stream(kept.params()).allMatch(Double::isFinite));
        assertEquals(reference.metrics().get(0).trainLoss(), kept.metrics().get(0).trainLoss(), 0.0, "the clean epoch 1");
    }

    @Test
    void anUpdateThatMakesTheParametersNonFiniteStopsTrainingBeforeTheCheckpoint() {
        java.util.List<TrainingState> saved = new java.util.ArrayList<>();
        // a finite loss with an infinite gradient at the epoch's last step: Adam's m/√v is ∞/∞ = NaN
        DivergenceException e = assertThrows(DivergenceException.class, () -> VaeTrainer.train(CONFIG, train, test, 100,
                poisoned(CONFIG, 0, 8, 500, Double.POSITIVE_INFINITY), null, VaeListener.NONE, saved::add));
        assertEquals("training diverged at epoch 1, step 8 of 8: its update made parameter 0 NaN; try a smaller "
                + "--learning-rate (this run used 0.001)", e.getMessage());
        assertTrue(saved.isEmpty());
    }

    @Test
    void aHugeLearningRateDivergesInBothSparkEnginesWithoutHanging() {
        SparkSession spark = TestSpark.get();
        VaeConfig c = new VaeConfig(784, 64, 16, 2, 50, 1000, 0.9, 0.999, 1e-8, 0.2, 0, VaeConfig.Binarize.ROUND,
                VaeConfig.Estimator.ANALYTIC, VaeConfig.Precision.FLOAT);
        DivergenceException local = assertThrows(DivergenceException.class, () -> VaeTrainer.train(c, train, test, 100,
                new LocalGradientSource(c, train), null, VaeListener.NONE, null));
        assertEquals(1, local.epoch());
        DivergenceException steps;
        try (SparkGradientSource src = new SparkGradientSource(spark, c, train, 2)) {
            steps = assertThrows(DivergenceException.class, () -> VaeTrainer.train(c, train, test, 100, src, null,
                    VaeListener.NONE, null));
        }
        assertEquals(1, steps.epoch());
        try (BarrierEpochEngine engine = new BarrierEpochEngine(spark, train, 2)) {
            DivergenceException barrier = assertThrows(DivergenceException.class, () -> VaeTrainer.train(c, train, test,
                    100, engine, null, VaeListener.NONE, null));
            assertEquals(steps.getMessage(), barrier.getMessage(), "bit-identical engines stop at the same step");
        }
    }

    @Test
    void modelRoundTripsExactly() {
        VaeModel m = new VaeModel(CONFIG, reference.params());
        String out = dir.resolve("model").toString();
        try (AtomicOutput o = new AtomicOutput(org.sparkvi.io.OutputRequest.of(out, "test"), new Configuration())) {
            m.save(o, "model");
            o.commit();
        }
        VaeModel loaded = VaeModel.load(out, new Configuration());
        assertEquals(CONFIG, loaded.config());
        assertArrayEquals(m.params(), loaded.params(), 0.0);
        assertArrayEquals(m.sample(4, 9), loaded.sample(4, 9), 0.0);
    }

    @Test
    void iwaeBoundIsAtLeastTheElboAndBothAreFinite() {
        double elbo = -VaeEvaluation.testLoss(CONFIG, reference.params(), test, 50);
        double iwae = VaeEvaluation.iwaeLogLikelihood(CONFIG, reference.params(), test, 50, 100);
        assertTrue(Double.isFinite(elbo) && Double.isFinite(iwae));
        // the IWAE bound is tighter than the ELBO in expectation; over 50 images with 100 samples the gap is several nats
        assertTrue(iwae > elbo, "IWAE " + iwae + " vs ELBO " + elbo);
    }
}
