package org.sparkvi.vae;

/**
 * Shard p's share of a global minibatch of B images: its positions [⌊pB/P⌋, ⌊(p+1)B/P⌋), so the shards' shares
 * differ by one image at most (as PyTorch's DistributedSampler deals them; images dealt by where they are stored
 * would split each batch binomially, about 54/46 for two shards, and every step waits for the larger share). Their
 * pixels (every shard reads the whole training set) and ε (keyed by seed, epoch and image, {@link TrainingData}), and
 * the network of the run's precision: a task's scratch, reused step to step. Not thread-safe: one per thread.
 */
final class SubBatch {
    final VaeConfig config;
    private VaeNetwork network;
    private FloatVaeNetwork floatNetwork;
    private double[] x = new double[0];
    private double[] eps = new double[0];
    private float[] xf = new float[0];
    private float[] epsf = new float[0];

    SubBatch(VaeConfig config) {
        this.config = config;
    }

    /** The first of the batch positions that shard {@code partition} of {@code partitions} computes. */
    static int shareStart(int batchLength, int partitions, int partition) {
        return (int) ((long) batchLength * partition / partitions);
    }

    /** Fills the rows of shard {@code partition}'s share of {@code batch}; returns their count. */
    private int fill(byte[] pixels, int partitions, int partition, int epoch, int[] batch) {
        int px = config.input();
        int lat = config.latent();
        int from = shareStart(batch.length, partitions, partition);
        int b = shareStart(batch.length, partitions, partition + 1) - from;
        if (x.length < b * px) {
            x = new double[b * px];
            eps = new double[b * lat];
        }
        for (int r = 0; r < b; r++) {
            int i = batch[from + r];
            TrainingData.pixels(pixels, i * px, px, i, epoch, config, x, r);
            TrainingData.epsilon(config.seed(), epoch, i, lat, eps, r);
        }
        return b;
    }

    /** The loss of the shard's images of the batch (in batch order, one sub-batch), their gradient added into grad. */
    double lossAndGradient(byte[] pixels, int partitions, int partition, double[] params, int epoch, int[] batch,
                           double[] grad) {
        int b = fill(pixels, partitions, partition, epoch, batch);
        if (b == 0) {
            return 0;
        }
        if (network == null) {
            network = new VaeNetwork(config);
        }
        return network.lossAndGradient(params, x, eps, b, grad);
    }

    /**
     * The same in float32: pixels and ε rounded to float32 (pixels are 0 or 1, exact). The gradient is written into
     * grad (the float network writes every entry), not added.
     */
    double lossAndGradient(byte[] pixels, int partitions, int partition, float[] params, int epoch, int[] batch,
                           float[] grad) {
        return lossAndGradient(pixels, partitions, partition, params, epoch, batch, grad, null);
    }

    /** The same, telling {@code ready} during the backward pass which entries of grad are final (none if no image). */
    double lossAndGradient(byte[] pixels, int partitions, int partition, float[] params, int epoch, int[] batch,
                           float[] grad, FloatVaeNetwork.GradientReady ready) {
        int b = fill(pixels, partitions, partition, epoch, batch);
        if (b == 0) {
            java.util.Arrays.fill(grad, 0);
            return 0;
        }
        if (floatNetwork == null) {
            floatNetwork = new FloatVaeNetwork(config);
        }
        if (xf.length < x.length) {
            xf = new float[x.length];
            epsf = new float[eps.length];
        }
        Floats.narrow(x, xf, b * config.input());
        Floats.narrow(eps, epsf, b * config.latent());
        return floatNetwork.lossAndGradient(params, xf, epsf, b, grad, ready);
    }
}
