package org.sparkvi.vae;

import org.apache.spark.sql.SparkSession;
import org.sparkvi.UserInputException;

/**
 * Which epoch engine trains: in this process (0 partitions); in local mode the in-memory barrier engine where it can
 * run (its exchange is faster than the sockets' over loopback, measured); on a cluster the socket barrier engine where
 * the task slots fit; else one job per step.
 */
public final class EpochEngines {
    private EpochEngines() {
    }

    /** {@code engine}: auto, barrier, socket or steps. */
    public static EpochEngine choose(SparkSession spark, VaeConfig config, MnistData train, int partitions, String engine) {
        if (partitions == 0) {
            return EpochEngine.stepwise(new LocalGradientSource(config, train));
        }
        String chosen = switch (engine) {
            case "barrier", "socket", "steps" -> engine;
            case "auto" -> BarrierEpochEngine.available(spark, partitions) ? "barrier"
                    : !spark.sparkContext().isLocal() && SocketEpochEngine.refusal(spark, partitions, true) == null
                    ? "socket" : "steps";
            default -> throw new UserInputException("--engine must be auto, barrier, socket or steps, got '" + engine + "'");
        };
        if (chosen.equals("socket")) {
            try {
                return new SocketEpochEngine(spark, train, partitions);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--engine socket: " + e.getMessage());
            }
        }
        if (chosen.equals("barrier")) {
            try {
                return new BarrierEpochEngine(spark, train, partitions);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--engine barrier: " + e.getMessage());
            }
        }
        return EpochEngine.stepwise(new SparkGradientSource(spark, config, train, partitions));
    }
}
