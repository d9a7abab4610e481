package org.sparkvi.vae;

import java.util.List;

/** report.json of a VAE run. */
public record VaeReport(String data, int trainImages, int testImages, VaeConfig config, int partitions, String blas,
                        List<EpochMetrics> metrics, double finalTrainLoss, double testNegElbo, double iwaeLogLikelihood,
                        int iwaeK, int iwaeImages, double seconds) {
}
