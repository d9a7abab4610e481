package org.sparkvi.vae;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.OrderedTreeAggregate;
import org.sparkvi.spark.SparkSessions;

/**
 * Synchronous data-parallel gradients: the training images are cached as P shards (image i in shard i mod P); each
 * step broadcasts the parameters, every shard computes the gradient of the images of the global minibatch that it
 * holds, and the shards' sums are merged in a fixed order ({@link OrderedTreeAggregate}), so the step sees the
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

    /** Shard {@code partition} of {@code partitions}: images partition, partition + P, …, their pixels in that order. */
    record Shard(int partition, int partitions, byte[] pixels, int pixelCount) implements Serializable {
    }

    /** One shard's (then the merged) loss and gradient sum. */
    static final class StepResult implements Serializable {
        private static final long serialVersionUID = 1L;
        double loss;
        /** The slowest shard's computing time this step (ns): what the step would cost with free synchronisation. */
        long computeNanos;
        final double[] grad;

        StepResult(int size) {
            grad = new double[size];
        }

        StepResult merge(StepResult o) {
            loss += o.loss;
            computeNanos = Math.max(computeNanos, o.computeNanos);
            for (int i = 0; i < grad.length; i++) {
                grad[i] += o.grad[i];
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

    /** The training images cached as P shards, image i in shard i mod P. */
    static JavaRDD<Shard> cacheShards(SparkSession spark, MnistData data, int partitions) {
        List<Shard> list = new ArrayList<>();
        int px = data.pixels();
        for (int p = 0; p < partitions; p++) {
            int count = (data.count() - p + partitions - 1) / partitions;
            byte[] pixels = new byte[count * px];
            for (int k = 0; k < count; k++) {
                System.arraycopy(data.images(), (p + k * partitions) * px, pixels, k * px, px);
            }
            list.add(new Shard(p, partitions, pixels, px));
        }
        JavaRDD<Shard> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(list, partitions)
                .persist(StorageLevel.MEMORY_ONLY());
        SparkSessions.describe(spark, "VAE: cache " + data.count() + " training images as " + partitions + " shards",
                rdd::count);
        return rdd;
    }

    @Override
    public double lossAndGradient(double[] params, int epoch, int[] batch, double[] grad) {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<double[]> theta = jsc.broadcast(params);
        long t1 = System.nanoTime();
        VaeConfig c = config;
        int n = size;
        steps++;
        try {
            StepResult r = SparkSessions.describe(spark, "VAE step " + steps + " (epoch " + (epoch + 1)
                    + "): gradients of the shards' share of the minibatch", () -> OrderedTreeAggregate.aggregate(shards,
                    () -> new StepResult(n), (acc, shard) -> {
                        FaultInjection.maybeFail("VAE step");
                        return shardGradient(c, shard, theta.value(), epoch, batch, acc);
                    }, StepResult::merge, 64));
            long t2 = System.nanoTime();
            System.arraycopy(r.grad, 0, grad, 0, n);
            timing.steps++;
            timing.broadcast += (t1 - t0) / 1e9;
            timing.compute += r.computeNanos / 1e9;
            timing.merge += (System.nanoTime() - t2) / 1e9;
            timing.total += (System.nanoTime() - t0) / 1e9;
            return r.loss;
        } finally {
            theta.destroy();
        }
    }

    private static final ThreadLocal<VaeNetwork> NETWORK = new ThreadLocal<>();

    static StepResult shardGradient(VaeConfig c, Shard shard, double[] params, int epoch, int[] batch, StepResult acc) {
        long start = System.nanoTime();
        acc.loss += shardLossAndGradient(c, shard, params, epoch, batch, acc.grad);
        acc.computeNanos = Math.max(acc.computeNanos, System.nanoTime() - start);
        return acc;
    }

    /** The loss of the batch's images that this shard holds (in batch order, one sub-batch); their gradient added to grad. */
    static double shardLossAndGradient(VaeConfig c, Shard shard, double[] params, int epoch, int[] batch, double[] grad) {
        List<Integer> rows = new ArrayList<>();
        for (int i : batch) {
            if (i % shard.partitions() == shard.partition()) {
                rows.add(i);
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        int b = rows.size();
        int px = shard.pixelCount();
        double[] x = new double[b * px];
        double[] eps = new double[b * c.latent()];
        for (int r = 0; r < b; r++) {
            int i = rows.get(r);
            int local = i / shard.partitions();
            TrainingData.pixels(shard.pixels(), local * px, px, i, epoch, c, x, r);
            TrainingData.epsilon(c.seed(), epoch, i, c.latent(), eps, r);
        }
        VaeNetwork net = NETWORK.get();
        if (net == null || !net.config.equals(c)) {
            net = new VaeNetwork(c);
            NETWORK.set(net);
        }
        return net.lossAndGradient(params, x, eps, b, grad);
    }

    @Override
    public void close() {
        shards.unpersist(false);
    }
}
