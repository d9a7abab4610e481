package org.sparkvi.vae;

import org.apache.spark.sql.SparkSession;
import org.sparkvi.UserInputException;

/** Which epoch engine trains: in this process (0 partitions), barrier tasks where they can run, else one job per step. */
public final class EpochEngines {
    private EpochEngines() {
    }

    /** {@code engine}: auto, barrier or steps. */
    public static EpochEngine choose(SparkSession spark, VaeConfig config, MnistData train, int partitions, String engine) {
        if (partitions == 0) {
            return EpochEngine.stepwise(new LocalGradientSource(config, train));
        }
        boolean barrier = switch (engine) {
            case "barrier" -> true;
            case "steps" -> false;
            case "auto" -> BarrierEpochEngine.available(spark, partitions);
            default -> throw new UserInputException("--engine must be auto, barrier or steps, got '" + engine + "'");
        };
        if (barrier) {
            try {
                return new BarrierEpochEngine(spark, train, partitions);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--engine barrier: " + e.getMessage());
            }
        }
        return EpochEngine.stepwise(new SparkGradientSource(spark, config, train, partitions));
    }
}
