package org.sparkvi.cli;

import org.sparkvi.UserInputException;
import org.sparkvi.spark.SparkSessions;

import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.sampling.Law;
import org.sparkvi.sampling.SampleJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkvi sample LAW}: n draws both ways (direct and reparameterised) as a distributed Parquet Dataset, and a report. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draws a law both ways, directly and through a reparameterisation, as a Parquet Dataset "
                + "(index, direct, reparameterized[, relaxed]) with report.json and histogram.png.",
        subcommands = {SampleCommand.Exponential.class, SampleCommand.Categorical.class, SampleCommand.Normal.class})
public final class SampleCommand implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Options every law shares. */
    static final class Common {
        @Option(names = "--n", description = "draws each way (1 to 10^12)", defaultValue = "10000000")
        long n;
        @Option(names = "--seed", description = "seed: the value at each index depends only on it", defaultValue = "42")
        long seed;
        @Option(names = "--partitions", description = "partitions (0 = Spark's default parallelism)", defaultValue = "0")
        int partitions;
        @Option(names = "--output", description = "output folder (replaced atomically)", defaultValue = "out/sample")
        String output;
        @Mixin
        JobOptions job = new JobOptions();

        int run(Law law) {
            Partitions.check(partitions);
            SparkSession spark = SparkSessions.getOrCreate("sparkvi sample " + law.name(), job.master());
            int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
            SampleJob.run(spark, law, n, p, seed, new org.sparkvi.io.OutputRequest(output, "sample", job.overwrite(), null));
            return 0;
        }
    }

    @Command(name = "exponential", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
            description = "Exponential(rate): direct (the JDK's nextExponential, a modified ziggurat) and by inverse CDF, z = -log(1 - u)/rate.")
    static final class Exponential implements Callable<Integer> {
        @Option(names = "--rate", description = "rate > 0", defaultValue = "1")
        double rate;
        @Mixin
        Common common;

        @Override
        public Integer call() {
            return common.run(new Law.Exponential(rate));
        }
    }

    @Command(name = "categorical", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
            description = {"Categorical(probs): direct by Vose's alias table; reparameterised by Gumbel-max, "
                    + "argmax(log pi + G), and Gumbel-softmax, softmax((log pi + G)/temperature), G = -log(-log u).",
                    "Probabilities must be finite, non-negative and sum to 1 (within 1e-9): they are rejected, not normalised."})
    static final class Categorical implements Callable<Integer> {
        @Option(names = "--probs", description = "comma list of probabilities summing to 1", defaultValue = "0.1,0.2,0.5,0.2")
        String probs;
        @Option(names = "--temperature", description = "Gumbel-softmax temperature > 0", defaultValue = "0.1")
        double temperature;
        @Mixin
        Common common;

        @Override
        public Integer call() {
            double[] p;
            try {
                p = Arrays.stream(probs.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
            } catch (NumberFormatException e) {
                throw new UserInputException("--probs must be a comma list of numbers, got '" + probs + "'");
            }
            return common.run(new Law.Categorical(p, temperature));
        }
    }

    @Command(name = "normal", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
            description = "Normal(mean, std): direct (the JDK's nextGaussian, a modified ziggurat) and mean + std * Phi^-1(u).")
    static final class Normal implements Callable<Integer> {
        @Option(names = "--mean", description = "mean", defaultValue = "0")
        double mean;
        @Option(names = "--std", description = "standard deviation > 0", defaultValue = "1")
        double std;
        @Mixin
        Common common;

        @Override
        public Integer call() {
            return common.run(new Law.Normal(mean, std));
        }
    }
}
