package org.sparkvi.bench;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.vae.MnistData;
import org.sparkvi.vae.SocketEpochEngine;
import org.sparkvi.vae.TrainingState;
import org.sparkvi.vae.VaeConfig;
import org.sparkvi.vae.VaeListener;
import org.sparkvi.vae.VaeTrainer;

/**
 * The socket engine's benchmark run, as a driver of its own (the cluster row of {@code jobs/bench vae} submits it to
 * the cluster it starts): {@code DATA IMAGES EPOCHS REPEATS PARTITIONS PRECISION}; prints one line
 * {@value #PREFIX} images/s (median of the repeats' last epochs), exchange ms per step, bytes per rank per step, the
 * rendezvous in ms, the slowest rank's gradient arithmetic in ms per step (of the median run's last epoch) and the
 * number of rank pairs linked through shared memory.
 */
public final class SocketEngineRun {
    static final String PREFIX = "SOCKET-ENGINE-RESULT";

    private SocketEngineRun() {
    }

    public static void main(String[] args) {
        MnistData train = VaeBenchmark.firstImages(Path.of(args[0]), Integer.parseInt(args[1]));
        MnistData test = MnistData.load(Path.of(args[0]), "t10k");
        VaeConfig c = VaeBenchmark.config(VaeConfig.defaults().withEpochs(Integer.parseInt(args[2])), args[5]);
        int repeats = Integer.parseInt(args[3]);
        int partitions = Integer.parseInt(args[4]);
        SparkSession spark = SparkSessions.getOrCreate("sparkvi bench vae: socket engine", null);
        double[][] runs = new double[repeats][];
        for (int r = 0; r < repeats; r++) {
            runs[r] = run(spark, c, train, test, partitions);
        }
        double[] median = Medians.run(runs);
        // one write, line and newline together: the log's lines go to the same file from another stream
        System.out.print(String.format(Locale.ROOT, "%s %.1f %.3f %.0f %.1f %.3f %.0f%n", PREFIX, median[0], median[1],
                median[2], median[3], median[4], median[5]));
        System.out.flush();
        spark.stop();
    }

    /** images/s of the last epoch, and its exchange ms/step, bytes per rank per step, rendezvous ms, compute ms/step. */
    static double[] run(SparkSession spark, VaeConfig c, MnistData train, MnistData test, int partitions) {
        try (SocketEpochEngine engine = new SocketEpochEngine(spark, train, partitions)) {
            TrainingState s = VaeTrainer.train(c, train, test, 100, engine, null, VaeListener.NONE, null);
            SocketEpochEngine.EpochStats e = engine.lastEpochStats();
            return new double[] {s.metrics().get(s.metrics().size() - 1).imagesPerSecond(), e.exchangeMsPerStep(),
                e.bytesPerRankPerStep(), e.rendezvousMs(), e.computeMsPerStep(), e.sharedMemoryLinks()};
        }
    }
}
