package org.sparkvi.vae;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkvi.spark.Broadcasts;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.OrderedTreeAggregate;
import org.sparkvi.spark.SparkSessions;

/**
 * Synchronous data-parallel gradients: P shards each compute an equal share of every global minibatch (consecutive
 * positions of it, {@link SubBatch}); each step broadcasts the parameters, every shard computes its share's
 * gradient, and the shards' sums are merged in a fixed order ({@link OrderedTreeAggregate}), so the step sees the
 * gradient of the whole minibatch, bit-identical run to run and after task retries.
 */
public final class SparkGradientSource implements GradientSource {
    private final SparkSession spark;
    private final JavaRDD<Shard> shards;
    private final VaeConfig config;
    private final int size;
    private long steps;
    private final StepTiming timing = new StepTiming();

    /** Where a step's time goes, summed over steps (seconds). */
    public static final class StepTiming {
        public long steps;
        public double total;
        public double compute;
        public double broadcast;
        public double merge;

        /** Scheduling, task launch, deserialising the parameters and shipping the gradients back. */
        public double synchronisation() {
            return total - compute - broadcast - merge;
        }
    }

    public StepTiming timing() {
        return timing;
    }

    /** Shard {@code partition} of {@code partitions}, and the pixels of all training images (every shard reads them). */
    record Shard(int partition, int partitions, byte[] pixels, int pixelCount) implements Serializable {
    }

    /**
     * One shard's (then the merged) loss and gradient sum, in the run's precision: {@code grad} (double) or
     * {@code floatGrad} (float32, half the payload), the other null. Merged in shard order, in that precision.
     */
    static final class StepResult implements Serializable {
        private static final long serialVersionUID = 1L;
        double loss;
        /** The slowest shard's computing time this step (ns): what the step would cost with free synchronisation. */
        long computeNanos;
        final double[] grad;
        final float[] floatGrad;

        StepResult(int size, boolean inFloat) {
            grad = inFloat ? null : new double[size];
            floatGrad = inFloat ? new float[size] : null;
        }

        StepResult merge(StepResult o) {
            loss += o.loss;
            computeNanos = Math.max(computeNanos, o.computeNanos);
            if (grad != null) {
                for (int i = 0; i < grad.length; i++) {
                    grad[i] += o.grad[i];
                }
            } else {
                for (int i = 0; i < floatGrad.length; i++) {
                    floatGrad[i] += o.floatGrad[i];
                }
            }
            return this;
        }
    }

    public SparkGradientSource(SparkSession spark, VaeConfig config, MnistData data, int partitions) {
        this.spark = spark;
        this.config = config;
        this.size = new VaeLayout(config).size();
        this.shards = cacheShards(spark, data, partitions);
    }

    /** The broadcast each cached shard RDD was built from, by RDD id: destroyed by {@link #releaseShards}. */
    private static final java.util.Map<Integer, Broadcast<byte[]>> SHARD_PIXELS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * P shards cached, each with the pixels of all training images: every shard computes an equal share of each
     * batch (positions, not stored images, decide which), so each needs any image; MNIST's 60,000 images are 47 MB.
     * The pixels travel once per executor, as one broadcast (in local mode the shards share the driver's array), and
     * the cached RDD's partitions are bare indices: an RDD made by {@code parallelize} of the shards themselves would
     * carry the pixels in every task of every stage over it (each epoch's barrier stage, each step's job). Lost blocks
     * (a dead executor) are rebuilt from the broadcast.
     */
    static JavaRDD<Shard> cacheShards(SparkSession spark, MnistData data, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> pixels = jsc.broadcast(data.images());
        List<Integer> indices = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            indices.add(p);
        }
        int px = data.pixels();
        JavaRDD<Shard> rdd = jsc.parallelize(indices, partitions)
                .map(p -> new Shard(p, partitions, pixels.value(), px))
                .persist(StorageLevel.MEMORY_ONLY());
        SHARD_PIXELS.put(rdd.id(), pixels);
        SparkSessions.describe(spark, "VAE: cache " + data.count() + " training images for " + partitions + " shards",
                rdd::count);
        return rdd;
    }

    /** Unpersists shards {@link #cacheShards} made and destroys the broadcast they were built from. */
    static void releaseShards(JavaRDD<Shard> shards) {
        shards.unpersist(false);
        Broadcast<byte[]> pixels = SHARD_PIXELS.remove(shards.id());
        if (pixels != null) {
            Broadcasts.destroyNow(pixels);
        }
    }

    @Override
    public double lossAndGradient(double[] params, int epoch, int[] batch, double[] grad) {
        StepResult r = step(params, epoch, batch);
        System.arraycopy(r.grad, 0, grad, 0, size);
        return r.loss;
    }

    @Override
    public double lossAndGradient(float[] params, int epoch, int[] batch, float[] grad) {
        StepResult r = step(params, epoch, batch);
        System.arraycopy(r.floatGrad, 0, grad, 0, size);
        return r.loss;
    }

    /** One Spark job: broadcast the parameters (double[] or float[], the run's precision), merge the shards' results. */
    private StepResult step(Object params, int epoch, int[] batch) {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Object> theta = jsc.broadcast(params);
        long t1 = System.nanoTime();
        VaeConfig c = config;
        int n = size;
        steps++;
        try {
            StepResult r = SparkSessions.describe(spark, "VAE step " + steps + " (epoch " + (epoch + 1)
                    + "): gradients of the shards' share of the minibatch", () -> OrderedTreeAggregate.aggregate(shards,
                    () -> new StepResult(n, c.inFloat()), (acc, shard) -> {
                        FaultInjection.maybeFail("VAE step");
                        return shardGradient(c, shard, theta.value(), epoch, batch, acc);
                    }, StepResult::merge, 64));
            long t2 = System.nanoTime();
            timing.steps++;
            timing.broadcast += (t1 - t0) / 1e9;
            timing.compute += r.computeNanos / 1e9;
            timing.merge += (System.nanoTime() - t2) / 1e9;
            timing.total += (System.nanoTime() - t0) / 1e9;
            return r;
        } finally {
            Broadcasts.destroyNow(theta);
        }
    }

    private static final ThreadLocal<SubBatch> SUB_BATCH = new ThreadLocal<>();

    static StepResult shardGradient(VaeConfig c, Shard shard, Object params, int epoch, int[] batch, StepResult acc) {
        long start = System.nanoTime();
        acc.loss += params instanceof float[] f ? shardLossAndGradient(c, shard, f, epoch, batch, acc.floatGrad)
                : shardLossAndGradient(c, shard, (double[]) params, epoch, batch, acc.grad);
        acc.computeNanos = Math.max(acc.computeNanos, System.nanoTime() - start);
        return acc;
    }

    /** This thread's scratch for configuration c. */
    static SubBatch subBatch(VaeConfig c) {
        SubBatch b = SUB_BATCH.get();
        if (b == null || !b.config.equals(c)) {
            b = new SubBatch(c);
            SUB_BATCH.set(b);
        }
        return b;
    }

    /** The loss of this shard's share of the batch (in batch order, one sub-batch); its gradient added to grad. */
    static double shardLossAndGradient(VaeConfig c, Shard shard, double[] params, int epoch, int[] batch, double[] grad) {
        return subBatch(c).lossAndGradient(shard.pixels(), shard.partitions(), shard.partition(), params, epoch, batch, grad);
    }

    /** The same in float32. */
    static double shardLossAndGradient(VaeConfig c, Shard shard, float[] params, int epoch, int[] batch, float[] grad) {
        return shardLossAndGradient(c, shard, params, epoch, batch, grad, null);
    }

    /** The same, telling {@code ready} during the backward pass which entries of grad are final. */
    static double shardLossAndGradient(VaeConfig c, Shard shard, float[] params, int epoch, int[] batch, float[] grad,
                                       FloatVaeNetwork.GradientReady ready) {
        return subBatch(c).lossAndGradient(shard.pixels(), shard.partitions(), shard.partition(), params, epoch, batch,
                grad, ready);
    }

    @Override
    public void close() {
        releaseShards(shards);
    }
}
