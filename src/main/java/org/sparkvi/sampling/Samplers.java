package org.sparkvi.sampling;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The samplers as library calls: n draws each way as a distributed Dataset with the columns the {@code sample}
 * command writes ({@code index}, {@code direct}, {@code reparameterized}, and {@code relaxed} for the Categorical).
 * Each value is a function of (seed, index) only, so the Dataset is the same for any number of partitions and
 * after task retries. Nothing is computed until an action runs.
 */
public final class Samplers {
    private Samplers() {
    }

    /** Exponential(rate): direct (ziggurat) and by inverse CDF, −log(1 − u)/rate. */
    public static Dataset<Row> exponential(SparkSession spark, double rate, long n, long seed, int partitions) {
        return draws(spark, new Law.Exponential(rate), n, seed, partitions);
    }

    /** Categorical(probs): direct (alias table), Gumbel-max, and the Gumbel-softmax relaxation at {@code temperature}. */
    public static Dataset<Row> categorical(SparkSession spark, double[] probs, double temperature, long n, long seed,
                                           int partitions) {
        return draws(spark, new Law.Categorical(probs.clone(), temperature), n, seed, partitions);
    }

    /** Normal(mean, std): direct (ziggurat) and mean + std·Φ⁻¹(u). */
    public static Dataset<Row> normal(SparkSession spark, double mean, double std, long n, long seed, int partitions) {
        return draws(spark, new Law.Normal(mean, std), n, seed, partitions);
    }

    static Dataset<Row> draws(SparkSession spark, Law law, long n, long seed, int partitions) {
        SampleJob.checkSize(n);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        return SampleJob.dataset(spark, law, n, partitions, seed);
    }
}
