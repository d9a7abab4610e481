package org.sparkvi.vae;

import java.util.Locale;
import org.sparkvi.UserInputException;

/**
 * Training diverged: a step's loss, the parameters after an epoch, or the test −ELBO is NaN or infinite. Nothing
 * trained after that point can be used, so training stops there (no checkpoint of the diverged epoch is written).
 * Almost always the learning rate is too large for the network, hence the advice in the message.
 */
public final class DivergenceException extends UserInputException {
    private final int epoch;
    private final int step;

    /** epoch and step are 1-based, as the progress log prints them; what names the non-finite quantity. */
    DivergenceException(int epoch, int step, int steps, String what, double learningRate) {
        super(String.format(Locale.ROOT, "training diverged at epoch %d, step %d of %d: %s; try a smaller "
                + "--learning-rate (this run used %s)", epoch, step, steps, what, learningRate));
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }
}
