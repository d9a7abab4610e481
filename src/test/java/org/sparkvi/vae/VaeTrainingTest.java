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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkvi.FailedTaskCounter;
import org.sparkvi.TestSpark;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.io.AtomicOutput;

/**
 * Data-parallel training equals single-process training on the same minibatches and seed (1, 2 and 4 partitions,
 * to round-off), is bit-identical after task retries, and a run resumed from a checkpoint ends exactly where an
 * uninterrupted one does; in float32 (the default) and, where precision matters, in double too. A smaller network (784-64-64-(16,16)) and 400 images keep the test fast.
 */
class VaeTrainingTest {
    static final VaeConfig CONFIG = VaeConfig.defaults().withSizes(64, 16, 50).withEpochs(2); // float32, the default
    static MnistData train;
    static MnistData test;
    static TrainingState reference;
    static TrainingState referenceDouble;

    static VaeConfig config(VaeConfig.Precision p) {
        return CONFIG.withPrecision(p);
    }

    static TrainingState reference(VaeConfig.Precision p) {
        return p == VaeConfig.Precision.FLOAT ? reference : referenceDouble;
    }

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        train = MnistData.load(Path.of("data/mnist-sample"), "train").first(400);
        test = MnistData.load(Path.of("data/mnist-sample"), "t10k");
        reference = VaeTrainer.train(CONFIG, train, test, 100, new LocalGradientSource(CONFIG, train), null, VaeListener.NONE, null);
        VaeConfig d = config(VaeConfig.Precision.DOUBLE);
        referenceDouble = VaeTrainer.train(d, train, test, 100, new LocalGradientSource(d, train), null, VaeListener.NONE, null);
    }

    @Test
    void trainingLowersTheLoss() {
        // 8 Adam steps from nn.Linear's initialisation: the loss falls from about 784 ln 2 = 543 nats (p = ½ everywhere)
        assertTrue(reference.metrics().get(1).trainLoss() < reference.metrics().get(0).trainLoss() - 10);
        assertTrue(reference.metrics().get(1).testLoss() < reference.metrics().get(0).testLoss() - 10);
    }

    @ParameterizedTest
    @EnumSource(VaeConfig.Precision.class)
    void dataParallelEqualsSingleProcess(VaeConfig.Precision precision) {
        SparkSession spark = TestSpark.get();
        VaeConfig c = config(precision);
        TrainingState ref = reference(precision);
        // sums in another grouping differ in the last bits: 1e-16 relative in double, 6e-8 in float32. Adam turns a
        // gradient's relative round-off into at most that share of its step (lr = 1e-3) where m/√v is not tiny, so
        // 16 steps leave far below 1e-9 in double (measured 3e-16) and ~1e-6 in float32 (measured 5e-7). The float
        // bound, 1e-5, is 1% of one step: a shard missed or counted twice moves parameters by a whole step, 1e-3.
        double tolerance = precision == VaeConfig.Precision.DOUBLE ? 1e-9 : 1e-5;
        // the training loss per image, ~300 nats, summed in double either way: measured 1e-12 and 2e-7
        double lossTolerance = precision == VaeConfig.Precision.DOUBLE ? 1e-9 : 1e-5;
        for (int p : new int[] {1, 2, 4}) {
            TrainingState s;
            try (SparkGradientSource src = new SparkGradientSource(spark, c, train, p)) {
                s = VaeTrainer.train(c, train, test, 100, src, null, VaeListener.NONE, null);
            }
            double maxDiff = 0;
            for (int i = 0; i < s.params().length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(s.params()[i] - ref.params()[i]));
            }
            assertTrue(maxDiff < tolerance, p + " partitions: max parameter difference " + maxDiff);
            assertEquals(ref.metrics().get(1).trainLoss(), s.metrics().get(1).trainLoss(), lossTolerance);
        }
    }

    @ParameterizedTest
    @EnumSource(VaeConfig.Precision.class)
    void barrierEngineEqualsTheStepwiseEngineBitForBit(VaeConfig.Precision precision) {
        SparkSession spark = TestSpark.get();
        VaeConfig c = config(precision);
        TrainingState stepwise;
        try (SparkGradientSource src = new SparkGradientSource(spark, c, train, 2)) {
            stepwise = VaeTrainer.train(c, train, test, 100, src, null, VaeListener.NONE, null);
        }
        TrainingState barrier;
        try (BarrierEpochEngine engine = new BarrierEpochEngine(spark, train, 2)) {
            barrier = VaeTrainer.train(c, train, test, 100, engine, null, VaeListener.NONE, null);
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
        // the failed task's peer did not stay behind waiting for it (Spark kills it without an interrupt: with
        // CyclicBarrier it stayed parked for good, holding a task slot that a 2-core machine's relaunch needs)
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (waitingAtABarrier() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, waitingAtABarrier(), "task threads still waiting at the barrier");
    }

    static long waitingAtABarrier() {
        return Thread.getAllStackTraces().values().stream().filter(st -> java.util.Arrays.stream(st)
                .anyMatch(f -> f.getClassName().equals(org.sparkvi.allreduce.ThreadBarrier.class.getName()))).count();
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

    @ParameterizedTest
    @EnumSource(VaeConfig.Precision.class)
    void resumedTrainingEndsWhereAnUninterruptedRunDoes(VaeConfig.Precision precision) {
        Configuration conf = new Configuration();
        String checkpoints = dir.resolve("ck").toString();
        VaeConfig c = config(precision);
        TrainingState reference = reference(precision);
        VaeConfig one = c.withEpochs(1);
        VaeTrainer.train(one, train, test, 100, new LocalGradientSource(one, train), null, VaeListener.NONE,
                s -> s.save(checkpoints, conf));
        TrainingState resume = TrainingState.latest(checkpoints, conf);
        assertEquals(1, resume.epochsDone());
        assertEquals(precision, resume.config().precision(), "the checkpoint records its precision");
        TrainingState resumed = VaeTrainer.train(c, train, test, 100, new LocalGradientSource(c, train), resume,
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
        return new GradientSource() {
            boolean poisoned(int epoch) {
                calls[0] = epoch == calls[1] ? calls[0] + 1 : 1;
                calls[1] = epoch;
                return epoch == badEpoch && calls[0] == badStep;
            }

            @Override
            public double lossAndGradient(double[] params, int epoch, int[] batch, double[] grad) {
                double l = local.lossAndGradient(params, epoch, batch, grad);
                if (poisoned(epoch)) {
                    java.util.Arrays.fill(grad, gradient);
                    return loss;
                }
                return l;
            }

            @Override
            public double lossAndGradient(float[] params, int epoch, int[] batch, float[] grad) {
                double l = local.lossAndGradient(params, epoch, batch, grad);
                if (poisoned(epoch)) {
                    java.util.Arrays.fill(grad, (float) gradient);
                    return loss;
                }
                return l;
            }
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

    @ParameterizedTest
    @EnumSource(VaeConfig.Precision.class)
    void modelRoundTripsExactly(VaeConfig.Precision precision) {
        VaeConfig c = config(precision);
        VaeModel m = new VaeModel(c, reference(precision).params());
        String out = dir.resolve("model").toString();
        try (AtomicOutput o = new AtomicOutput(org.sparkvi.io.OutputRequest.of(out, "test"), new Configuration())) {
            m.save(o, "model");
            o.commit();
        }
        VaeModel loaded = VaeModel.load(out, new Configuration());
        assertEquals(c, loaded.config());
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
