package org.sparkvi.vae;

/** Where a step's gradient comes from: this process, or the partitions of a Spark cluster. */
public interface GradientSource extends AutoCloseable {
    /** The loss summed over the batch's images; their gradient sum is written into grad (which starts zeroed). */
    double lossAndGradient(double[] params, int epoch, int[] batch, double[] grad);

    @Override
    default void close() {
    }
}
