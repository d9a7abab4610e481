package org.sparkvi.vae;

/** Where a step's gradient comes from: this process, or the partitions of a Spark cluster. */
public interface GradientSource extends AutoCloseable {
    /** The loss summed over the batch's images; their gradient sum is written into grad (which starts zeroed). */
    double lossAndGradient(double[] params, int epoch, int[] batch, double[] grad);

    /**
     * The same in float32, for a FLOAT configuration; grad need not start zeroed (it is written). This default goes through the double form with the float32
     * parameters widened and the gradient rounded to float32: for sources that only wrap another (tests).
     */
    default double lossAndGradient(float[] params, int epoch, int[] batch, float[] grad) {
        double[] g = new double[grad.length];
        double loss = lossAndGradient(Floats.widen(params), epoch, batch, g);
        Floats.narrow(g, grad, grad.length);
        return loss;
    }

    @Override
    default void close() {
    }
}
