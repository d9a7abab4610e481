package org.sparkvi.cli;

import org.sparkvi.UserInputException;
import org.sparkvi.spark.SparkSessions;

import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.sampling.GradientStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkvi gradients}: score-function, reparameterisation and sticking-the-landing gradients side by side. */
@Command(name = "gradients", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Estimates the ELBO gradient of a Gaussian q for a conjugate Gaussian target (posterior in closed "
                + "form) with the score-function, reparameterisation (total derivative) and sticking-the-landing "
                + "estimators, at points moving to the exact posterior; report.json, variance.png and a table.")
public final class GradientsCommand implements Callable<Integer> {
    @Option(names = "--dim", description = "dimension D of z", defaultValue = "5")
    int dim;
    @Option(names = "--data-points", description = "observations n in the target", defaultValue = "20")
    int dataPoints;
    @Option(names = "--prior-sd", description = "prior standard deviation s0", defaultValue = "2")
    double priorSd;
    @Option(names = "--noise-sd", description = "observation noise standard deviation", defaultValue = "1")
    double noiseSd;
    @Option(names = "--samples", description = "Monte Carlo samples per point", defaultValue = "1000000")
    long samples;
    @Option(names = "--t", split = ",", description = "points: 0 = far away, 1 = the exact posterior",
            defaultValue = "0,0.5,0.75,0.9,0.97,0.99,0.999,1")
    double[] t;
    @Option(names = "--seed", description = "seed of the data and of every Monte Carlo draw", defaultValue = "42")
    long seed;
    @Option(names = "--partitions", description = "partitions (0 = Spark's default parallelism)", defaultValue = "0")
    int partitions;
    @Option(names = "--output", description = "output folder (replaced atomically)", defaultValue = "out/gradients")
    String output;
    @picocli.CommandLine.Mixin
    JobOptions job = new JobOptions();

    @Override
    public Integer call() {
        Partitions.check(partitions);
        for (double v : t) {
            if (!(v >= 0 && v <= 1)) {
                throw new UserInputException("--t values must lie in [0, 1], got " + Arrays.toString(t));
            }
        }
        SparkSession spark = SparkSessions.getOrCreate("sparkvi gradients", job.master());
        int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        GradientStudy.run(spark, new GradientStudy.Options(dim, dataPoints, priorSd, noiseSd, samples, p, seed, t),
                new org.sparkvi.io.OutputRequest(output, "gradients", job.overwrite(), null));
        return 0;
    }
}
