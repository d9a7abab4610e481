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
 * the sum over the ranks travels through a {@link SliceAllReduce} in the same precision
 * ({@link #reduceScatterAndUpdate}, {@link #allGather}).
 */
abstract class Replica {
    /** Bytes per exchanged value: 4 (float32) or 8 (double). */
    abstract int elementBytes();

    /** The number of parameters. */
    abstract int size();

    /** Zeroes shard {@code rank}'s gradient and computes its share of the batch into it; returns its loss. */
    abstract double shardGradient(VaeConfig c, SparkGradientSource.Shard shard, int rank, int epoch, int[] batch);

    /**
     * Across executors: shard 0's gradient, its finished parts handed to {@code ar} during the backward pass (float32;
     * the double path sends it all in {@link #reduceScatter}); returns the loss.
     */
    double shardGradientSending(VaeConfig c, SparkGradientSource.Shard shard, int epoch, int[] batch, SliceAllReduce ar) {
        return shardGradient(c, shard, 0, epoch, batch);
    }

    /** Entries [from, to): the gradients summed over the shards in shard order, then Adam's step t on them. */
    abstract void reduceAndUpdate(Adam adam, int from, int to, long t);

    /**
     * Shard 0's gradient summed over the ranks in rank order for this rank's slice, then Adam's step t on the slice
     * with that sum, unless the ranks' summed loss ({@link #summedLoss}) is not finite. Returns every rank's loss, by
     * rank; the time spent in Adam is added to {@code updateNanos[0]}.
     */
    abstract double[][] reduceScatterAndUpdate(SliceAllReduce ar, double ownLoss, Adam adam, long t, long[] updateNanos)
            throws IOException;

    /** The step's loss: the ranks' losses summed in rank order (every rank gets the same bits, so all stop together). */
    static double summedLoss(double[][] losses) {
        double loss = 0;
        for (double[] l : losses) {
            loss += l[0];
        }
        return loss;
    }

    /** This rank's updated slice of the parameters to every other rank, theirs into this replica. */
    abstract void allGather(SliceAllReduce ar) throws IOException;

    /** The parameters and both moments into the driver's double arrays (widened: exact for float32). */
    abstract void writeTo(double[] params, double[] m, double[] v);

    static Replica of(VaeConfig c, double[] params, double[] m, double[] v, int shards) {
        return c.inFloat() ? new FloatReplica(params, m, v, shards) : new DoubleReplica(params, m, v, shards);
    }

    /** A replica of the same parameters and moments (copies) with {@code shards} gradient buffers of its own. */
    abstract Replica copy(int shards);

    /** This replica's parameters and moments (shared, not copied) without its gradient buffers: what a cache keeps. */
    abstract Replica stateOnly();

    /** Entries [from, to) of the parameters, then of m, then of v, little-endian in the run's precision. */
    abstract void write(java.nio.ByteBuffer out, int from, int to);

    /** Entries [from, to) of the parameters and moments from bytes {@link #write} wrote. */
    abstract void read(java.nio.ByteBuffer in, int from, int to);

    /** The whole state (parameters, m, v) as {@link #write} writes it, from the driver's double arrays. */
    static byte[] encode(VaeConfig c, double[] params, double[] m, double[] v) {
        int n = params.length;
        int bytes = c.inFloat() ? Float.BYTES : Double.BYTES;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(3 * n * bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double[] a : new double[][] {params, m, v}) {
            if (c.inFloat()) {
                java.nio.FloatBuffer f = b.asFloatBuffer();
                for (int i = 0; i < n; i++) {
                    f.put(i, (float) a[i]); // exact: a float run's state holds float32 values
                }
            } else {
                b.asDoubleBuffer().put(a);
            }
            b.position(b.position() + n * bytes);
        }
        return b.array();
    }

    /** A replica of the whole state {@link #encode} encoded, with {@code shards} gradient buffers. */
    static Replica decode(VaeConfig c, byte[] state, int size, int shards) {
        Replica r = c.inFloat() ? new FloatReplica(new double[size], new double[size], new double[size], shards)
                : new DoubleReplica(new double[size], new double[size], new double[size], shards);
        r.read(java.nio.ByteBuffer.wrap(state).order(java.nio.ByteOrder.LITTLE_ENDIAN), 0, size);
        return r;
    }

    /** Slice [from, to) of parameters, m and v, as {@link #write} wrote it, into the driver's double arrays. */
    static void readInto(VaeConfig c, java.nio.ByteBuffer in, double[] params, double[] m, double[] v, int from, int to) {
        for (double[] a : new double[][] {params, m, v}) {
            if (c.inFloat()) {
                java.nio.FloatBuffer f = in.asFloatBuffer();
                for (int i = from; i < to; i++) {
                    a[i] = f.get(i - from);
                }
                in.position(in.position() + (to - from) * Float.BYTES);
            } else {
                in.asDoubleBuffer().get(a, from, to - from);
                in.position(in.position() + (to - from) * Double.BYTES);
            }
        }
    }

    static final class DoubleReplica extends Replica {
        final double[] params;
        final double[] m;
        final double[] v;
        final double[] summed;
        final double[][] grads;

        DoubleReplica(double[] params, double[] m, double[] v, int shards) {
            this(params.clone(), m.clone(), v.clone(), new double[params.length], shards);
        }

        private DoubleReplica(double[] params, double[] m, double[] v, double[] summed, int shards) {
            this.params = params;
            this.m = m;
            this.v = v;
            this.summed = summed;
            this.grads = new double[shards][params.length];
        }

        @Override
        Replica stateOnly() {
            return new DoubleReplica(params, m, v, null, 0);
        }

        @Override
        int elementBytes() {
            return Double.BYTES;
        }

        @Override
        Replica copy(int shards) {
            return new DoubleReplica(params, m, v, shards); // the constructor copies
        }

        @Override
        void write(java.nio.ByteBuffer out, int from, int to) {
            for (double[] a : new double[][] {params, m, v}) {
                out.asDoubleBuffer().put(a, from, to - from);
                out.position(out.position() + (to - from) * Double.BYTES);
            }
        }

        @Override
        void read(java.nio.ByteBuffer in, int from, int to) {
            for (double[] a : new double[][] {params, m, v}) {
                in.asDoubleBuffer().get(a, from, to - from);
                in.position(in.position() + (to - from) * Double.BYTES);
            }
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
        double[][] reduceScatterAndUpdate(SliceAllReduce ar, double ownLoss, Adam adam, long t, long[] updateNanos)
                throws IOException {
            double[][] losses = ar.reduceScatter(grads[0], new double[] {ownLoss}, summed);
            if (Double.isFinite(summedLoss(losses))) {
                long a0 = System.nanoTime();
                adam.applyTo(params, m, v, summed, ar.from(), ar.to(), t);
                updateNanos[0] += System.nanoTime() - a0;
            }
            return losses;
        }

        @Override
        void allGather(SliceAllReduce ar) throws IOException {
            ar.allGather(params);
        }

        @Override
        void writeTo(double[] params, double[] m, double[] v) {
            System.arraycopy(this.params, 0, params, 0, params.length);
            System.arraycopy(this.m, 0, m, 0, m.length);
            System.arraycopy(this.v, 0, v, 0, v.length);
        }
    }

    static final class FloatReplica extends Replica {
        final float[] params;
        final float[] m;
        final float[] v;
        final float[][] grads;

        FloatReplica(double[] params, double[] m, double[] v, int shards) {
            this(Floats.narrow(params), Floats.narrow(m), Floats.narrow(v), shards);
        }

        private FloatReplica(float[] params, float[] m, float[] v, int shards) {
            this.params = params;
            this.m = m;
            this.v = v;
            this.grads = new float[shards][params.length];
        }

        @Override
        int elementBytes() {
            return Float.BYTES;
        }

        @Override
        Replica copy(int shards) {
            return new FloatReplica(params.clone(), m.clone(), v.clone(), shards);
        }

        @Override
        Replica stateOnly() {
            return new FloatReplica(params, m, v, 0);
        }

        @Override
        void write(java.nio.ByteBuffer out, int from, int to) {
            for (float[] a : new float[][] {params, m, v}) {
                out.asFloatBuffer().put(a, from, to - from);
                out.position(out.position() + (to - from) * Float.BYTES);
            }
        }

        @Override
        void read(java.nio.ByteBuffer in, int from, int to) {
            for (float[] a : new float[][] {params, m, v}) {
                in.asFloatBuffer().get(a, from, to - from);
                in.position(in.position() + (to - from) * Float.BYTES);
            }
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
        double shardGradientSending(VaeConfig c, SparkGradientSource.Shard shard, int epoch, int[] batch,
                                    SliceAllReduce ar) {
            float[] g = grads[0];
            double[] scalar = new double[1];
            return SparkGradientSource.shardLossAndGradient(c, shard, params, epoch, batch, g, (from, loss) -> {
                scalar[0] = loss;
                ar.ready(g, scalar, from);
            });
        }

        @Override
        void reduceAndUpdate(Adam adam, int from, int to, long t) {
            adam.applyTo(params, m, v, grads, from, to, t); // sums in shard order, a chunk at a time
        }

        @Override
        double[][] reduceScatterAndUpdate(SliceAllReduce ar, double ownLoss, Adam adam, long t, long[] updateNanos)
                throws IOException {
            return ar.reduceScatterThenUpdate(grads[0], new double[] {ownLoss}, all -> Double.isFinite(summedLoss(all)),
                    (parts, offsets, lo, hi) -> { // the rank-ordered sum, in Adam's pass
                        long a0 = System.nanoTime();
                        adam.applyTo(params, m, v, parts, offsets, lo, hi, t);
                        updateNanos[0] += System.nanoTime() - a0;
                    });
        }

        @Override
        void allGather(SliceAllReduce ar) throws IOException {
            ar.allGather(params);
        }

        @Override
        void writeTo(double[] params, double[] m, double[] v) {
            Floats.widen(this.params, params, params.length);
            Floats.widen(this.m, m, m.length);
            Floats.widen(this.v, v, v.length);
        }
    }
}
