package org.sparkvi.jobs;

import org.sparkvi.UserInputException;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.OutputRequest;
import org.sparkvi.io.Json;
import org.sparkvi.ml.Vae;
import org.sparkvi.report.VaePictures;
import org.sparkvi.vae.EpochMetrics;
import org.sparkvi.vae.DivergenceException;
import org.sparkvi.vae.MnistData;
import org.sparkvi.vae.TrainingState;
import org.sparkvi.vae.VaeConfig;
import org.sparkvi.vae.VaeEvaluation;
import org.sparkvi.vae.VaeListener;
import org.sparkvi.vae.VaeModel;
import org.sparkvi.vae.VaeNetwork;
import org.sparkvi.vae.VaeReport;

/** The VAE job: train (data-parallel on Spark, or in this process), evaluate, and write every output atomically. */
public final class VaeJob {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkvi.vae");

    private VaeJob() {
    }

    /** Everything a run needs; partitions 0 = train in this process (the single-process reference). */
    public record Run(Path data, String output, VaeConfig config, int partitions, String engine, String resume,
                      String checkpoints, int testImages, int iwaeK, int iwaeImages, int progressEvery,
                      boolean overwrite) {
        OutputRequest outputRequest() {
            return new OutputRequest(output, "vae", overwrite, java.util.Arrays.asList(data.toString(), resume));
        }
    }

    public static VaeReport run(SparkSession spark, Run r) {
        long t0 = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        AtomicOutput.check(r.outputRequest(), hadoop);
        MnistData train = MnistData.load(r.data(), "train");
        MnistData test = MnistData.load(r.data(), "t10k");
        TrainingState resume = r.resume() == null ? null : TrainingState.latest(r.resume(), hadoop);
        VaeConfig c = r.config();
        if (resume != null) {
            if (resume.config().precision() != c.precision()) { // refused, not converted: a run keeps one arithmetic
                String was = resume.config().precision().name().toLowerCase(Locale.ROOT);
                throw new UserInputException("the checkpoint in " + r.resume() + " was trained in " + was
                        + " precision; resume it with --precision " + was + " (a run cannot change precision midway)");
            }
            if (!resume.config().withEpochs(c.epochs()).equals(c)) {
                throw new UserInputException("the checkpoint in " + r.resume() + " was trained with another configuration: "
                        + resume.config());
            }
            LOG.info("resuming after epoch {} from {}", resume.epochsDone(), r.resume());
        }
        LOG.info("training on {} images ({} test) from {}, {}; {} precision; BLAS {}", train.count(), test.count(),
                r.data(), r.partitions() == 0 ? "in this process" : r.partitions() + " partitions",
                c.precision().name().toLowerCase(Locale.ROOT), VaeNetwork.blasName());
        int testImages = Math.min(r.testImages(), test.count());
        String[] saved = {null}; // the last checkpoint this run wrote
        org.sparkvi.ml.VaeModel fitted;
        try {
            fitted = Vae.of(c, r.engine()).fit(spark, new Vae.Training(train, test, testImages, r.partitions(), resume,
                    listener(r.progressEvery()), s -> saved[0] = s.save(r.checkpoints(), hadoop)));
        } catch (DivergenceException e) {
            // no checkpoint of the diverged epoch was written and the output is not touched: say what is kept
            String kept = saved[0] != null ? "the last good checkpoint is " + saved[0]
                    : r.resume() != null ? "no new checkpoint was written (the one resumed from in " + r.resume()
                    + " is kept)" : "this run wrote no checkpoint";
            throw new UserInputException(e.getMessage() + "; " + kept + "; " + r.output() + " was left as it was", e);
        }
        VaeModel model = fitted.vaeModel();
        int iwaeImages = Math.min(r.iwaeImages(), test.count());
        double testLoss = VaeEvaluation.testLoss(c, model.params(), test, test.count());
        double iwae = VaeEvaluation.iwaeLogLikelihood(c, model.params(), test, iwaeImages, r.iwaeK());
        java.util.List<EpochMetrics> metrics = fitted.trainingMetrics();
        VaeReport report = new VaeReport(r.data().toString(), train.count(), test.count(), c, r.partitions(),
                VaeNetwork.blasName(), metrics, metrics.get(metrics.size() - 1).trainLoss(), testLoss, iwae, r.iwaeK(),
                iwaeImages, (System.nanoTime() - t0) / 1e9);
        try (AtomicOutput out = new AtomicOutput(r.outputRequest(), hadoop)) {
            StringBuilder csv = new StringBuilder("epoch,train_loss,test_loss,seconds,images_per_second\n");
            for (EpochMetrics m : metrics) {
                csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.3f,%.1f%n", m.epoch(), m.trainLoss(), m.testLoss(),
                        m.seconds(), m.imagesPerSecond()));
            }
            out.writeString("metrics.csv", csv.toString());
            out.writeBytes("loss.png", VaePictures.loss(metrics, train.count() == 60000));
            int shown = Math.min(16, test.count());
            double[] originals = new double[shown * 784];
            for (int i = 0; i < shown * 784; i++) {
                originals[i] = (test.images()[i] & 0xff) / 255.0;
            }
            out.writeBytes("reconstructions.png", VaePictures.reconstructions(originals, model.reconstruct(test, shown), shown, 8));
            out.writeBytes("samples.png", VaePictures.samples(model.sample(64, c.seed()), 64, 8));
            model.save(out, "model");
            out.writeString("report.json", Json.write(report));
            out.commit();
        }
        System.out.printf(Locale.ROOT, "VAE: %d epochs on %d images; train loss %.2f, test -ELBO %.2f, IWAE (k=%d, %d images) "
                        + "log-likelihood %.2f nats; %.1f s; outputs in %s%n", metrics.size(), train.count(),
                report.finalTrainLoss(), testLoss, r.iwaeK(), iwaeImages, iwae, report.seconds(), r.output());
        return report;
    }

    static VaeListener listener(int every) {
        return new VaeListener() {
            @Override
            public void step(int epoch, int epochs, int step, int steps, double loss, double rate, double eta) {
                if (every > 0 && step % every == 0) {
                    LOG.info(String.format(Locale.ROOT, "epoch %d/%d step %d/%d: loss %.2f per image, %.0f images/s, ETA %.0f s",
                            epoch + 1, epochs, step, steps, loss, rate, eta));
                }
            }

            @Override
            public void epoch(EpochMetrics m, int epochs) {
                LOG.info(String.format(Locale.ROOT, "epoch %d/%d: train loss %.3f, test -ELBO %.3f, %.1f s, %.0f images/s",
                        m.epoch(), epochs, m.trainLoss(), m.testLoss(), m.seconds(), m.imagesPerSecond()));
            }
        };
    }
}
