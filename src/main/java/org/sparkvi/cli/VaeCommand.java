package org.sparkvi.cli;

import org.sparkvi.UserInputException;
import org.sparkvi.jobs.VaeJob;
import org.sparkvi.spark.SparkSessions;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.vae.VaeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkvi vae}: the Kingma & Welling VAE on MNIST, trained by synchronous data-parallel gradient sums. */
@Command(name = "vae", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Trains a VAE on MNIST (Gaussian encoder 784-400-400-(200,200), Bernoulli decoder 200-400-400-784, "
                + "LeakyReLU(0.2), loss = BCE + analytic KL, Adam) by synchronous data-parallel minibatch gradients on Spark.")
public final class VaeCommand implements Callable<Integer> {
    @Option(names = "--data", description = "folder of the four MNIST IDX files (raw or .gz); data/mnist after fetch-mnist")
    String data = "data/mnist-sample";
    @Option(names = "--output", description = "output folder (replaced atomically)")
    String output = "out/vae";
    @Option(names = "--epochs", description = "epochs")
    int epochs = 15;
    @Option(names = "--batch-size", description = "global minibatch size (summed across partitions)")
    int batchSize = 100;
    @Option(names = "--learning-rate", description = "Adam learning rate")
    double learningRate = 1e-3;
    @Option(names = "--hidden", description = "hidden units per layer")
    int hidden = 400;
    @Option(names = "--latent", description = "latent dimensions")
    int latent = 200;
    @Option(names = "--binarize", description = "round (pixels/255 rounded, as torch.round) or dynamic (Bernoulli anew each epoch)")
    String binarize = "round";
    @Option(names = "--gradient-estimator", description = "analytic (closed-form KL) or stl (sticking the landing)")
    String estimator = "analytic";
    @Option(names = "--precision", description = "float (float32 through sgemm, as PyTorch trains; about twice the speed) "
            + "or double (float64 through dgemm). A checkpoint resumes only in the precision it was written in")
    String precision = "float";
    @Option(names = "--seed", description = "seed of initialisation, shuffling and every epsilon")
    long seed = 0;
    @Option(names = "--partitions", description = "data-parallel width (0 = Spark's default parallelism)")
    int partitions = 0;
    @Option(names = "--engine", description = "auto (barrier in local mode, socket on a cluster, where the task slots fit; "
            + "else steps), barrier (one Spark stage per epoch, gradients exchanged in memory: local mode, a core per "
            + "partition), socket (one Spark stage per epoch, gradients exchanged over the tasks' sockets: any cluster, "
            + "a task slot per partition) or steps (one Spark job per step)")
    String engine = "auto";
    @Option(names = "--single-process", description = "train in this process, without Spark (the reference data-parallel training must equal)")
    boolean singleProcess;
    @Option(names = "--resume", description = "continue from the latest checkpoint in this folder")
    String resume;
    @Option(names = "--checkpoint-dir", description = "where a checkpoint is written after each epoch (default: OUTPUT-checkpoints)")
    String checkpointDir;
    @Option(names = "--test-images", description = "test images for the per-epoch test loss")
    int testImages = 10000;
    @Option(names = "--iwae-k", description = "importance samples per image for the IWAE log-likelihood")
    int iwaeK = 100;
    @Option(names = "--iwae-images", description = "test images for the IWAE log-likelihood")
    int iwaeImages = 1000;
    @Option(names = "--progress-every", description = "log progress every N steps")
    int progressEvery = 100;
    @picocli.CommandLine.Mixin
    JobOptions job = new JobOptions();

    @Override
    public Integer call() {
        VaeConfig c = new VaeConfig(784, hidden, latent, epochs, batchSize, learningRate, 0.9, 0.999, 1e-8, 0.2, seed,
                parse(VaeConfig.Binarize.class, "--binarize", binarize), parse(VaeConfig.Estimator.class,
                "--gradient-estimator", estimator), parse(VaeConfig.Precision.class, "--precision", precision));
        Partitions.check(partitions);
        if (iwaeK < 1 || iwaeImages < 1 || testImages < 1) {
            throw new UserInputException("--iwae-k, --iwae-images and --test-images must be at least 1");
        }
        SparkSession spark = SparkSessions.getOrCreate("sparkvi vae", job.master());
        int p = singleProcess ? 0 : partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        VaeJob.run(spark, new VaeJob.Run(Path.of(BundledPaths.resolve(data)), output, c, p, engine, resume,
                checkpointDir != null ? checkpointDir : output + "-checkpoints", testImages, iwaeK, iwaeImages, progressEvery,
                job.overwrite()));
        return 0;
    }

    static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        try {
            return VaeConfig.parse(type, option, value);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }
}
