package org.sparkvi.vae;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.allreduce.ThreadBarrier;
import org.sparkvi.spark.BarrierMapStage;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.SparkSessions;

/**
 * A whole epoch in one Spark barrier stage: P long-lived tasks, one per shard, step together. Each step every task
 * computes its shard's share of the global minibatch's gradient, all meet at a barrier, each sums one slice of the
 * gradient over the shards in shard order (the order {@link org.sparkvi.spark.OrderedTreeAggregate} uses, so the result
 * is bit-identical to {@link SparkGradientSource}) and applies Adam to that slice of the shared parameters, and all
 * meet again before the next step. The exchange goes through memory: it needs every task in the driver's JVM (local
 * mode; checked), and as many free cores as shards (barrier stages launch all their tasks at once). A failed task
 * fails the stage; Spark relaunches all its tasks as a new stage attempt, which starts again from the epoch's
 * starting state with an exchange of its own (the old attempt's tasks may still be unwinding into theirs).
 */
public final class BarrierEpochEngine implements EpochEngine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BarrierEpochEngine.class);
    private static final Map<String, Epoch> EPOCHS = new ConcurrentHashMap<>();

    private final SparkSession spark;
    private final JavaRDD<SparkGradientSource.Shard> shards;
    private final int partitions;

    public BarrierEpochEngine(SparkSession spark, MnistData data, int partitions) {
        if (!spark.sparkContext().isLocal()) {
            throw new IllegalArgumentException("the barrier engine exchanges gradients in memory: local mode only");
        }
        if (partitions > spark.sparkContext().defaultParallelism()) {
            throw new IllegalArgumentException("the barrier engine runs all " + partitions + " shards at once but Spark has "
                    + spark.sparkContext().defaultParallelism() + " cores");
        }
        this.spark = spark;
        this.partitions = partitions;
        this.shards = SparkGradientSource.cacheShards(spark, data, partitions);
    }

    /** Whether the barrier engine can run here (local mode, a core per shard). */
    public static boolean available(SparkSession spark, int partitions) {
        return spark.sparkContext().isLocal() && partitions <= spark.sparkContext().defaultParallelism();
    }

    /** One epoch's shared state: its starting point, and one exchange per stage attempt. */
    static final class Epoch {
        final VaeConfig config;
        final double[] params0;
        final double[] m0;
        final double[] v0;
        final long step0;
        final Adam adam;
        final int[] order;
        final int partitions;
        final StepProgress progress;
        final Map<Integer, Exchange> attempts = new ConcurrentHashMap<>();

        /** The driver's own arrays, not copies: nothing writes them until the stage is over and the epoch forgotten. */
        Epoch(VaeConfig config, double[] params, Adam adam, int[] order, int partitions, StepProgress progress) {
            this.config = config;
            this.params0 = params;
            this.m0 = adam.m;
            this.v0 = adam.v;
            this.step0 = adam.step();
            this.adam = adam;
            this.order = order;
            this.partitions = partitions;
            this.progress = progress;
        }

        Exchange attempt(int stageAttempt) {
            return attempts.computeIfAbsent(stageAttempt, a -> new Exchange(this));
        }
    }

    /** What the tasks of one stage attempt share: the replica, in the run's precision, and the shards' losses. */
    static final class Exchange {
        final Replica replica;
        final double[] losses;
        final ThreadBarrier barrier;
        /** Per task, nanoTime: entered its code, steps done; and nanoseconds spent on its gradients and waiting. */
        final long[] entered;
        final long[] stepsDone;
        final long[] gradientNanos;
        final long[] waitNanos;
        final java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        double lossSum;
        long updates; // Adam steps applied: all of the epoch's, unless a non-finite loss ended it early

        Exchange(Epoch e) {
            replica = Replica.of(e.config, e.params0, e.m0, e.v0, e.partitions);
            losses = new double[e.partitions];
            barrier = new ThreadBarrier(e.partitions);
            entered = new long[e.partitions];
            stepsDone = new long[e.partitions];
            gradientNanos = new long[e.partitions];
            waitNanos = new long[e.partitions];
        }
    }

    @Override
    public double epoch(VaeConfig c, double[] params, Adam adam, int epoch, int[] order, StepProgress progress) {
        long t0 = System.nanoTime();
        String key = UUID.randomUUID().toString();
        Epoch e = new Epoch(c, params, adam, order, partitions, progress);
        EPOCHS.put(key, e);
        Exchange x;
        long t1;
        try {
            scala.Function1<scala.collection.Iterator<SparkGradientSource.Shard>, scala.collection.Iterator<Integer>> task =
                    (scala.Function1<scala.collection.Iterator<SparkGradientSource.Shard>, scala.collection.Iterator<Integer>>
                            & java.io.Serializable) it -> {
                        try {
                            return scala.jdk.javaapi.CollectionConverters.asScala(
                                    List.of(runShard(key, it.next(), epoch)).iterator());
                        } catch (RuntimeException ex) {
                            throw ex;
                        } catch (Exception ex) {
                            throw new IllegalStateException("barrier step failed: " + ex, ex);
                        }
                    };
            BarrierMapStage.run(spark, shards, "VAE epoch " + (epoch + 1) + ": " + partitions
                    + " barrier tasks step together, exchanging gradients in memory", task);
            t1 = System.nanoTime();
            // an attempt whose tasks all finished (any such attempt computed the same bits)
            x = e.attempts.values().stream().filter(a -> a.finished.get() == partitions).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the barrier stage finished but none of its attempts "
                            + e.attempts.keySet() + " finished all " + partitions + " tasks"));
        } finally {
            EPOCHS.remove(key); // before the driver's state changes: no task can start from it any more
        }
        x.replica.writeTo(params, adam.m, adam.v);
        adam.advance(x.updates);
        long t2 = System.nanoTime();
        StringBuilder tl = new StringBuilder();
        for (int p = 0; p < partitions; p++) {
            tl.append(String.format(java.util.Locale.ROOT, " | task %d: entered %.1f, steps done %.1f, gradients %.1f,"
                    + " waiting %.1f", p, (x.entered[p] - t0) / 1e6, (x.stepsDone[p] - t0) / 1e6,
                    x.gradientNanos[p] / 1e6, x.waitNanos[p] / 1e6));
        }
        LOG.info(String.format(java.util.Locale.ROOT, "barrier epoch %d timeline (ms from its start): stage done %.1f,"
                + " state in place %.1f%s", epoch + 1, (t1 - t0) / 1e6, (t2 - t0) / 1e6, tl));
        return x.lossSum;
    }

    /** A task's epoch: its shard's gradients, its slice of the sum and of Adam, in lockstep with the others. */
    static int runShard(String key, SparkGradientSource.Shard shard, int epoch) throws Exception {
        BarrierTaskContext tc = BarrierTaskContext.get();
        Epoch e = EPOCHS.get(key);
        if (e == null) {
            throw new IllegalStateException("the barrier VAE engine needs its tasks in the driver's JVM (local mode)");
        }
        Exchange x = e.attempt(tc.stageAttemptNumber());
        VaeConfig c = e.config;
        int p = shard.partition();
        x.entered[p] = System.nanoTime();
        int size = x.replica.size();
        int from = (int) ((long) size * p / e.partitions);
        int to = (int) ((long) size * (p + 1) / e.partitions);
        int n = e.order.length;
        long t = e.step0;
        java.util.function.BooleanSupplier killed = tc::isInterrupted; // asked only once a wait parks
        int steps = (n + c.batchSize() - 1) / c.batchSize();
        try {
            for (int start = 0, s = 0; start < n; start += c.batchSize(), s++) {
                FaultInjection.maybeFailMidEpoch(p, e.partitions, s, steps, "VAE barrier epoch");
                int[] batch = java.util.Arrays.copyOfRange(e.order, start, Math.min(n, start + c.batchSize()));
                long g0 = System.nanoTime();
                x.losses[p] = x.replica.shardGradient(c, shard, p, epoch, batch);
                long g1 = System.nanoTime();
                x.barrier.await(killed);
                x.gradientNanos[p] += g1 - g0;
                x.waitNanos[p] += System.nanoTime() - g1;
                double loss = 0; // every task sums the same losses in the same order, so all stop at the same step
                for (double l : x.losses) {
                    loss += l;
                }
                if (!Double.isFinite(loss)) { // diverged: the step is reported, not applied, and the epoch ends here
                    if (p == 0) {
                        x.lossSum += loss;
                        e.progress.step(s + 1, Math.min(n, start + c.batchSize()), loss, batch.length);
                    }
                    break;
                }
                x.replica.reduceAndUpdate(e.adam, from, to, t + s + 1);
                if (p == 0) {
                    x.lossSum += loss;
                    x.updates++;
                    e.progress.step(s + 1, Math.min(n, start + c.batchSize()), loss, batch.length);
                }
                long w0 = System.nanoTime();
                x.barrier.await(killed);
                x.waitNanos[p] += System.nanoTime() - w0;
            }
        } catch (Throwable ex) { // the other tasks would wait for this one at the barrier until killed
            x.barrier.breakWith(ex);
            throw ex;
        }
        x.stepsDone[p] = System.nanoTime();
        x.finished.incrementAndGet();
        return tc.stageAttemptNumber();
    }

    @Override
    public String describe() {
        return "barrier tasks exchanging gradients in memory";
    }

    @Override
    public void close() {
        SparkGradientSource.releaseShards(shards);
    }
}
