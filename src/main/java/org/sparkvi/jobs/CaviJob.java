package org.sparkvi.jobs;

import org.sparkvi.spark.SparkSessions;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.io.DriverParquetTable;
import org.sparkvi.io.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkvi.cavi.CaviModel;
import org.sparkvi.cavi.CaviOptions;
import org.sparkvi.cavi.CaviSummary;
import org.sparkvi.cavi.HyperparameterSpec;
import org.sparkvi.cavi.MapSample;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.CatalogueFormat;
import org.sparkvi.cavi.CatalogueLoader;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.cavi.LoadedCatalogue;
import org.sparkvi.io.OutputRequest;
import org.sparkvi.io.StrengthSpec;
import org.sparkvi.report.CaviPictures;
import org.sparkvi.report.Picture;
import org.sparkvi.report.CaviTable;
import org.sparkvi.report.JobPhases;
import org.sparkvi.io.Json;
import org.sparkvi.ml.CaviClustering;
import org.sparkvi.ml.CaviClusteringModel;

/**
 * The earthquake clustering job: read the catalogue once, fit, and write every output into a staging folder that
 * replaces {@code --output} only when all of it is there.
 */
public final class CaviJob {
    private static final Logger LOG = LoggerFactory.getLogger(CaviJob.class);

    private CaviJob() {
    }

    /** A run's whole configuration, validated by the types it holds. */
    public record Config(String input, CatalogueFormat format, String output, CaviOptions options, HyperparameterSpec spec,
                         CoordinateSystem coords, StrengthSpec strength, String weightColumn, int partitions,
                         String initModel, boolean overwrite) {
    }

    public static CaviSummary run(SparkSession spark, Config c) {
        return run(spark, c, new JobPhases());
    }

    /** Runs the job and records the seconds of each phase (read, moments, seeding, iterations, final E-step, each write). */
    public static CaviSummary run(SparkSession spark, Config c, JobPhases phases) {
        long t0 = System.nanoTime();
        var hadoop = spark.sparkContext().hadoopConfiguration();
        CaviModel warm = c.initModel() == null ? null : CaviModel.load(c.initModel(), hadoop);
        CoordinateSystem coords = c.coords();
        if (warm != null && coords.kind() == warm.coords().kind()) {
            coords = warm.coords(); // keep yesterday's reference point, so the model space is the same
        }
        try (AtomicOutput out = new AtomicOutput(new OutputRequest(c.output(), "cavi", c.overwrite(),
                java.util.Arrays.asList(c.input(), c.initModel())), hadoop)) {
            CoordinateSystem readAs = coords;
            LoadedCatalogue cat = phases.time("read, validate and cache", () -> CatalogueLoader.load(spark,
                    new CatalogueLoader.Request(c.input(), c.format(), readAs, c.strength(), c.weightColumn(),
                            c.partitions(), true)));
            phases.note("records", cat.records());
            phases.note("cached_bytes_per_event", (double) cat.cachedBytes() / cat.used());
            phases.note("partitions", cat.partitions().getNumPartitions());
            try {
                if (cat.duplicateIds() != null && cat.duplicateIds().warning() != null) {
                    LOG.warn(cat.duplicateIds().warning());
                }
                if (cat.rejected() > 0) {
                    LOG.warn("{} of {} records rejected {}; they are listed in rejected.parquet", cat.rejected(),
                            cat.records(), cat.rejectedByReason());
                }
                PhaseRecorder recorder = new PhaseRecorder(new LoggingCaviListener(cat.used(),
                        warm == null ? c.options().restarts() : 1));
                long fitStart = System.nanoTime();
                CaviClusteringModel fitted = CaviClustering.of(c.options(), c.spec()).fit(spark, cat,
                        new CaviClustering.CatalogueFit(c.input(), c.strength(), c.weightColumn(), warm, c.initModel(),
                                recorder, t0));
                recorder.record(phases, (System.nanoTime() - fitStart) / 1e9);
                CaviSummary summary = fitted.summary().toCaviSummary();
                if (!summary.converged()) {
                    LOG.warn("the best run did not converge within {} iterations", c.options().maxIter());
                }
                CaviSummary written = write(spark, out, cat, fitted, summary, phases);
                phases.time("commit the output", out::commit);
                LOG.info("phases:\n{}", phases.render());
                System.out.print(CaviTable.render(written));
                System.out.println("outputs in " + out.target());
                return written;
            } finally {
                cat.release();
            }
        }
    }

    /**
     * Writes every output into the staging folder and returns the summary as written. The pictures are drawn on a
     * thread of their own while Spark writes the tables (drawing is one core's work, and a small table's Spark job
     * mostly waits); one that cannot be drawn is skipped ({@link Picture}) and its warning goes into summary.json.
     */
    private static CaviSummary write(SparkSession spark, AtomicOutput out, LoadedCatalogue cat, CaviClusteringModel fittedModel,
                                     CaviSummary fitted, JobPhases phases) {
        CaviModel model = fittedModel.caviModel();
        MapSample sample = fittedModel.summary().eventSample(); // taken by the final E-step
        List<String> skipped = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CompletableFuture<byte[][]> pictures = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> new byte[][] {
                    phases.time("draw clusters.png (beside the writes)",
                            () -> Picture.draw("clusters.png", () -> CaviPictures.clusterMap(model, fitted, sample), skipped)),
                    phases.time("draw elbo.png (beside the writes)",
                            () -> Picture.draw("elbo.png", () -> CaviPictures.elbo(fitted), skipped))});
        // the two small tables go on a thread of their own, beside the big one: a small table's Spark job is mostly
        // planning, task launch and commit, which overlap with assignments.parquet's arithmetic
        java.util.concurrent.CompletableFuture<Void> smallTables = java.util.concurrent.CompletableFuture.runAsync(() -> {
            phases.time("write clusters.parquet (beside assignments)", () -> writeClusters(spark, fitted,
                    out.path("clusters.parquet")));
            phases.time("write rejected.parquet (beside assignments)", () -> SparkSessions.describe(spark,
                    "Write rejected.parquet (the quarantine)", () -> cat.writeRejected(spark, out.path("rejected.parquet"))));
        });
        try {
            phases.time("write assignments.parquet", () -> SparkSessions.describe(spark,
                    "Write assignments.parquet (final E-step)",
                    () -> fittedModel.writeAssignments(spark, cat, out.path("assignments.parquet"))));
        } catch (RuntimeException | Error e) {
            // nothing may still be writing into the staging folder when the caller deletes it
            try {
                smallTables.join();
            } catch (RuntimeException other) {
                e.addSuppressed(other);
            }
            throw e;
        }
        phases.time("write: wait for clusters.parquet and rejected.parquet", () -> joinUnwrapped(smallTables));
        byte[][] drawn = phases.time("write: wait for the pictures", () -> joinUnwrapped(pictures));
        byte[] map = drawn[0];
        byte[] elbo = drawn[1];
        CaviSummary summary = fitted.withWarnings(skipped);
        phases.time("write summary.json and model/", () -> {
            out.writeString("summary.json", Json.write(summary));
            model.save(out, "model");
        });
        if (map != null) {
            phases.time("write clusters.png", () -> out.writeBytes("clusters.png", map));
        }
        if (elbo != null) {
            phases.time("write elbo.png", () -> out.writeBytes("elbo.png", elbo));
        }
        return summary;
    }

    /** The result of work done on another thread, or its failure as it was thrown there. */
    private static <T> T joinUnwrapped(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    static final StructType CLUSTERS_SCHEMA = new StructType()
            .add("k", DataTypes.IntegerType, false).add("weight", DataTypes.DoubleType, false)
            .add("expected_count", DataTypes.DoubleType, false)
            .add("mean", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("latitude", DataTypes.DoubleType).add("longitude", DataTypes.DoubleType)
            .add("depth_km", DataTypes.DoubleType).add("distance_km", DataTypes.DoubleType)
            .add("rho_star", DataTypes.DoubleType, false).add("mean_sd", DataTypes.DoubleType, false)
            .add("mean_sd_km", DataTypes.DoubleType)
            .add("lambda_shape", DataTypes.DoubleType, false).add("lambda_rate", DataTypes.DoubleType, false)
            .add("lambda_mean", DataTypes.DoubleType, false)
            .add("lambda_ci95", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("pi_mean", DataTypes.DoubleType).add("n_events", DataTypes.LongType, false)
            .add("time_start", DataTypes.StringType).add("time_end", DataTypes.StringType)
            .add("largest_event_id", DataTypes.StringType).add("largest_event_time", DataTypes.StringType)
            .add("largest_event_mag", DataTypes.DoubleType);

    /** The K clusters' table, written from the driver (K rows need no Spark job). */
    static void writeClusters(SparkSession spark, CaviSummary s, String dir) {
        DriverParquetTable.write(spark.sparkContext().hadoopConfiguration(), CLUSTERS_SCHEMA, clusterRows(s), dir);
    }

    static List<Row> clusterRows(CaviSummary s) {
        List<Row> rows = new ArrayList<>();
        for (CaviSummary.Cluster c : s.clusters()) {
            rows.add(RowFactory.create(c.k(), c.weight(), c.expectedCount(), Rows.boxed(c.mean()), c.latitude(), c.longitude(),
                    c.depthKm(), c.distanceKm(), c.rhoStar(), c.meanSd(), c.meanSdKm(), c.lambdaShape(), c.lambdaRate(),
                    c.lambdaMean(), Rows.boxed(c.lambdaCi95()), c.piMean(), c.nEvents(), c.timeStart(), c.timeEnd(),
                    c.largestEventId(), c.largestEventTime(), c.largestEventMag()));
        }
        return rows;
    }

}
