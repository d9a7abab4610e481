package org.sparkvi.vae;

/** Progress of VAE training (reported by {@link VaeTrainer}). */
public interface VaeListener {
    default void step(int epoch, int epochs, int step, int stepsPerEpoch, double batchLossPerImage, double imagesPerSecond,
                      double etaSeconds) {
    }

    default void epoch(EpochMetrics m, int epochs) {
    }

    VaeListener NONE = new VaeListener() {
    };
}
