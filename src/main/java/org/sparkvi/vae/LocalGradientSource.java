package org.sparkvi.vae;

/** The whole batch in this process: the single-process reference that data-parallel training must equal. */
public final class LocalGradientSource implements GradientSource {
    private final MnistData data;
    private final SubBatch batch;

    public LocalGradientSource(VaeConfig config, MnistData data) {
        this.data = data;
        this.batch = new SubBatch(config);
    }

    @Override
    public double lossAndGradient(double[] params, int epoch, int[] rows, double[] grad) {
        return batch.lossAndGradient(data.images(), 1, 0, params, epoch, rows, grad);
    }

    @Override
    public double lossAndGradient(float[] params, int epoch, int[] rows, float[] grad) {
        return batch.lossAndGradient(data.images(), 1, 0, params, epoch, rows, grad);
    }
}
