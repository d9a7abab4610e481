package org.sparkvi.vae;

import java.io.Serializable;

/** One epoch: the training loss per image (the sum of the batch losses / N), the test −ELBO per image, its time. */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double seconds, double imagesPerSecond)
        implements Serializable {
}
