package org.sparkvi.vae;

/** The whole batch in this process: the single-process reference that data-parallel training must equal. */
public final class LocalGradientSource implements GradientSource {
    private final VaeConfig config;
    private final MnistData data;
    private final VaeNetwork net;
    private double[] x = new double[0];
    private double[] eps = new double[0];

    public LocalGradientSource(VaeConfig config, MnistData data) {
        this.config = config;
        this.data = data;
        this.net = new VaeNetwork(config);
    }

    @Override
    public double lossAndGradient(double[] params, int epoch, int[] batch, double[] grad) {
        int b = batch.length;
        int px = data.pixels();
        if (x.length < b * px) {
            x = new double[b * px];
            eps = new double[b * config.latent()];
        }
        for (int r = 0; r < b; r++) {
            int i = batch[r];
            TrainingData.pixels(data.images(), i * px, px, i, epoch, config, x, r);
            TrainingData.epsilon(config.seed(), epoch, i, config.latent(), eps, r);
        }
        return net.lossAndGradient(params, x, eps, b, grad);
    }
}
