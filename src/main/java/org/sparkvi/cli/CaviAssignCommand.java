package org.sparkvi.cli;

import org.sparkvi.spark.SparkSessions;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.cavi.AssignmentSummary;
import org.sparkvi.cavi.CaviModel;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.OutputRequest;
import org.sparkvi.io.CatalogueFormat;
import org.sparkvi.cavi.CatalogueLoader;
import org.sparkvi.cavi.LoadedCatalogue;
import org.sparkvi.io.Json;
import org.sparkvi.ml.CaviClusteringModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkvi cavi-assign}: responsibilities of new events under a saved model (no refit). */
@Command(name = "cavi-assign", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Assigns the events of a catalogue to the clusters of a saved CAVI model: responsibilities from "
                + "its q(mu), q(lambda), q(pi); the coordinates, strength and weights as the model was fitted.")
public final class CaviAssignCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CaviAssignCommand.class);
    @Option(names = "--model", required = true, description = "a cavi output folder, or its model/ folder")
    String model;
    @Option(names = "--input", required = true, description = "catalogue: Parquet, ComCat CSV or GeoJSON")
    String input;
    @Option(names = "--format", description = "input format: ${COMPLETION-CANDIDATES} (default: from the file name)")
    CatalogueFormat format;
    @Option(names = "--output", description = "output folder (replaced atomically)")
    String output = "out/cavi-assign";
    @Option(names = "--partitions", description = "partitions (0 = Spark's default parallelism)")
    int partitions = 0;
    @picocli.CommandLine.Mixin
    JobOptions job = new JobOptions();

    @Override
    public Integer call() {
        Partitions.check(partitions);
        SparkSession spark = SparkSessions.getOrCreate("sparkvi cavi-assign", job.master());
        run(spark, model, BundledPaths.resolve(input), format,
                new OutputRequest(output, "cavi-assign", job.overwrite(), List.of(model, input)), partitions);
        return 0;
    }

    public static AssignmentSummary run(SparkSession spark, String modelDir, String input, CatalogueFormat format,
                                        OutputRequest output, int partitions) {
        var hadoop = spark.sparkContext().hadoopConfiguration();
        AtomicOutput.check(output, hadoop);
        CaviModel m = CaviModel.load(modelDir, hadoop);
        try (AtomicOutput out = new AtomicOutput(output, hadoop)) {
            LoadedCatalogue cat = CatalogueLoader.load(spark, new CatalogueLoader.Request(input, format, m.coords(),
                    m.strength(), m.weightColumn(), partitions, true));
            try {
                CaviClusteringModel fitted = CaviClusteringModel.of(m);
                AssignmentSummary summary = fitted.assignmentSummary(spark, cat, input, modelDir);
                if (cat.duplicateIds() != null && cat.duplicateIds().warning() != null) {
                    LOG.warn(cat.duplicateIds().warning());
                }
                out.writeString("summary.json", Json.write(summary));
                SparkSessions.describe(spark, "Write assignments.parquet",
                        () -> fitted.writeAssignments(spark, cat, out.path("assignments.parquet")));
                SparkSessions.describe(spark, "Write rejected.parquet (the quarantine)",
                        () -> cat.writeRejected(spark, out.path("rejected.parquet")));
                out.commit();
                System.out.printf("assigned %d events (%d rejected) to %d clusters; mean log score %.6f; outputs in %s%n",
                        summary.nUsed(), summary.nRejected().total(), summary.k(), summary.meanLogScore(), out.target());
                return summary;
            } finally {
                cat.release();
            }
        }
    }
}
