package org.sparkvi.vae;

import java.io.IOException;
import java.util.Arrays;
import org.sparkvi.allreduce.SliceAllReduce;

/**
 * The training state that the tasks of a lockstep engine share, in the run's precision (the exchange's element type:
 * {@link #elementBytes()}): the parameters and Adam's moments, and one gradient buffer per shard. A step: every shard
 * writes its gradient ({@link #shardGradient}), then each sums a slice over the shards in shard order and applies
 * Adam to it ({@link #reduceAndUpdate}); the sum (0 + g₀) + g₁ + … is the merge order of the stepwise engine, so
 * the engines agree bit for bit. Across executors ({@link SocketEpochEngine}) a task holds a replica of one shard and
 * the sum over the ranks travels through a {@link SliceAllReduce} in the same precision ({@link #reduceScatter},
 * {@link #updateReduced}, {@link #allGather}).
 */
abstract class Replica {
    /** Bytes per exchanged value: 4 (float32) or 8 (double). */
    abstract int elementBytes();

    /** The number of parameters. */
    abstract int size();

    /** Zeroes shard {@code rank}'s gradient and computes its share of the batch into it; returns its loss. */
    abstract double shardGradient(VaeConfig c, SparkGradientSource.Shard shard, int rank, int epoch, int[] batch);

    /** Entries [from, to): the gradients summed over the shards in shard order, then Adam's step t on them. */
    abstract void reduceAndUpdate(Adam adam, int from, int to, long t);

    /** Shard 0's gradient summed over the ranks in rank order, for this rank's slice; every rank's loss, by rank. */
    abstract double[][] reduceScatter(SliceAllReduce ar, double ownLoss) throws IOException;

    /** Adam's step t on entries [from, to) with the gradient {@link #reduceScatter} summed. */
    abstract void updateReduced(Adam adam, int from, int to, long t);

    /** This rank's updated slice of the parameters to every other rank, theirs into this replica. */
    abstract void allGather(SliceAllReduce ar) throws IOException;

    /** Entries [from, to) of the parameters and of both moments, widened into double arrays (exact for float32). */
    abstract double[][] slice(int from, int to);

    static Replica of(VaeConfig c, double[] params, double[] m, double[] v, int shards) {
        return c.inFloat() ? new FloatReplica(params, m, v, shards) : new DoubleReplica(params, m, v, shards);
    }

    static final class DoubleReplica extends Replica {
        final double[] params;
        final double[] m;
        final double[] v;
        final double[] summed;
        final double[][] grads;

        DoubleReplica(double[] params, double[] m, double[] v, int shards) {
            this.params = params.clone();
            this.m = m.clone();
            this.v = v.clone();
            this.summed = new double[params.length];
            this.grads = new double[shards][params.length];
        }

        @Override
        int elementBytes() {
            return Double.BYTES;
        }

        @Override
        int size() {
            return params.length;
        }

        @Override
        double shardGradient(VaeConfig c, SparkGradientSource.Shard shard, int rank, int epoch, int[] batch) {
            Arrays.fill(grads[rank], 0);
            return SparkGradientSource.shardLossAndGradient(c, shard, params, epoch, batch, grads[rank]);
        }

        @Override
        void reduceAndUpdate(Adam adam, int from, int to, long t) {
            for (int i = from; i < to; i++) {
                double sum = 0; // (0 + g_0) + g_1 + …: the merge order of the stepwise engine
                for (double[] g : grads) {
                    sum += g[i];
                }
                summed[i] = sum;
            }
            adam.applyTo(params, m, v, summed, from, to, t);
        }

        @Override
        double[][] reduceScatter(SliceAllReduce ar, double ownLoss) throws IOException {
            return ar.reduceScatter(grads[0], new double[] {ownLoss}, summed);
        }

        @Override
        void updateReduced(Adam adam, int from, int to, long t) {
            adam.applyTo(params, m, v, summed, from, to, t);
        }

        @Override
        void allGather(SliceAllReduce ar) throws IOException {
            ar.allGather(params);
        }

        @Override
        double[][] slice(int from, int to) {
            return new double[][] {Arrays.copyOfRange(params, from, to), Arrays.copyOfRange(m, from, to),
                Arrays.copyOfRange(v, from, to)};
        }
    }

    static final class FloatReplica extends Replica {
        final float[] params;
        final float[] m;
        final float[] v;
        final float[][] grads;
        private float[] reduced; // the all-reduced gradient, only across executors

        FloatReplica(double[] params, double[] m, double[] v, int shards) {
            this.params = Floats.narrow(params);
            this.m = Floats.narrow(m);
            this.v = Floats.narrow(v);
            this.grads = new float[shards][params.length];
        }

        @Override
        int elementBytes() {
            return Float.BYTES;
        }

        @Override
        int size() {
            return params.length;
        }

        @Override
        double shardGradient(VaeConfig c, SparkGradientSource.Shard shard, int rank, int epoch, int[] batch) {
            return SparkGradientSource.shardLossAndGradient(c, shard, params, epoch, batch, grads[rank]); // writes it all
        }

        @Override
        void reduceAndUpdate(Adam adam, int from, int to, long t) {
            adam.applyTo(params, m, v, grads, from, to, t); // sums in shard order, a chunk at a time
        }

        @Override
        double[][] reduceScatter(SliceAllReduce ar, double ownLoss) throws IOException {
            if (reduced == null) {
                reduced = new float[params.length];
            }
            return ar.reduceScatter(grads[0], new double[] {ownLoss}, reduced);
        }

        @Override
        void updateReduced(Adam adam, int from, int to, long t) {
            adam.applyTo(params, m, v, reduced, from, to, t);
        }

        @Override
        void allGather(SliceAllReduce ar) throws IOException {
            ar.allGather(params);
        }

        @Override
        double[][] slice(int from, int to) {
            double[][] out = new double[3][to - from];
            float[][] in = {params, m, v};
            for (int k = 0; k < 3; k++) {
                for (int i = from; i < to; i++) {
                    out[k][i - from] = in[k][i];
                }
            }
            return out;
        }
    }
}
