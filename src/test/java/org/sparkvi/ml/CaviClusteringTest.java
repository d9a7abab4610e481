package org.sparkvi.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.sparkvi.cavi.PiPrior;

import org.sparkvi.cavi.HyperparameterSpec;

import org.sparkvi.cavi.CaviOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.cli.Main;
import org.sparkvi.io.Json;

/** CAVI as a Spark ML Estimator: the same fit as the command, transform as cavi-assign, persistence, params, ServiceLoader. */
class CaviClusteringTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Dataset<Row> catalogue;
    static PipelineModel fitted;
    static Path commandOut;

    @BeforeAll
    static void fitBothWays() {
        spark = TestSpark.get();
        catalogue = spark.read().parquet("data/earthquakes.parquet");
        commandOut = dir.resolve("command");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "cavi", "--input",
                "data/earthquakes.parquet", "--output", commandOut.toString(), "--coords", "identity", "--x-columns",
                "longitude,latitude", "--k", "4", "--restarts", "2");
        assertEquals(0, code, err.toString());
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"longitude", "latitude"})
                .setOutputCol("features");
        CaviClustering cavi = new CaviClustering().setK(4).setRestarts(2);
        fitted = new Pipeline().setStages(new PipelineStage[] {assembler, cavi}).fit(catalogue);
    }

    static CaviClusteringModel model(PipelineModel p) {
        return (CaviClusteringModel) p.stages()[1];
    }

    @Test
    void aPipelineFitsWhatTheCommandFits() throws Exception {
        JsonNode s = Json.MAPPER.readTree(Files.readString(commandOut.resolve("summary.json")));
        CaviClusteringSummary summary = model(fitted).summary();
        assertEquals(s.get("elbo").asDouble(), summary.elbo(), 1e-9 * Math.abs(summary.elbo()));
        assertEquals(s.get("iterations").asInt(), summary.numIter());
        assertEquals(s.get("converged").asBoolean(), summary.converged());
        Vector[] means = model(fitted).means();
        for (int c = 0; c < 4; c++) {
            JsonNode m = s.get("clusters").get(c).get("mean");
            assertEquals(m.get(0).asDouble(), means[c].apply(0), 1e-7);
            assertEquals(m.get(1).asDouble(), means[c].apply(1), 1e-7);
            assertEquals(s.get("clusters").get(c).get("n_events").asLong(), summary.clusterSizes()[c]);
        }
        assertEquals(1707, summary.numRecords());
        assertEquals(4, summary.clusters().count());
        assertEquals(summary.elboTrace()[summary.elboTrace().length - 1], summary.elbo());
    }

    @Test
    void transformAddsPredictionAndProbabilityAsCaviAssignDoes() throws Exception {
        Path assigned = dir.resolve("assigned");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "cavi-assign",
                "--model", commandOut.toString(), "--input", "data/earthquakes.parquet", "--output", assigned.toString());
        assertEquals(0, code, err.toString());
        Dataset<Row> out = fitted.transform(catalogue);
        assertEquals(DataTypes.IntegerType, out.schema().apply("prediction").dataType());
        assertEquals(SQLDataTypes.VectorType(), out.schema().apply("probability").dataType());
        List<Row> ours = out.select("id", "prediction", "probability").orderBy("id").collectAsList();
        List<Row> theirs = spark.read().parquet(assigned.resolve("assignments.parquet").toString())
                .select("id", "cluster", "responsibilities").orderBy("id").collectAsList();
        assertEquals(theirs.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(theirs.get(i).getString(0), ours.get(i).getString(0));
            assertEquals(theirs.get(i).getInt(1), ours.get(i).getInt(1), "cluster of " + ours.get(i).getString(0));
            double[] r = ((Vector) ours.get(i).get(2)).toArray();
            List<Double> expected = theirs.get(i).getList(2);
            for (int c = 0; c < r.length; c++) {
                assertEquals(expected.get(c), r[c], 1e-9);
            }
        }
    }

    @Test
    void emptyColumnNamesSkipTheirColumns() {
        CaviClusteringModel m = model(fitted).copy(new org.apache.spark.ml.param.ParamMap()).setPredictionCol("");
        Dataset<Row> features = new VectorAssembler().setInputCols(new String[] {"longitude", "latitude"})
                .setOutputCol("features").transform(catalogue);
        List<String> names = List.of(m.transform(features).columns());
        assertFalse(names.contains("prediction"));
        assertTrue(names.contains("probability"));
        names = List.of(m.setPredictionCol("cluster").setProbabilityCol("").transform(features).columns());
        assertTrue(names.contains("cluster"));
        assertFalse(names.contains("probability"));
    }

    @Test
    void modelAndPipelineSaveAndLoad() throws Exception {
        CaviClusteringModel m = model(fitted);
        String path = dir.resolve("model").toString();
        m.write().overwrite().save(path);
        CaviClusteringModel loaded = CaviClusteringModel.load(path);
        assertEquals(m.caviModel(), loaded.caviModel());
        assertEquals(m.uid(), loaded.uid());
        assertFalse(loaded.hasSummary());
        String pipelinePath = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(pipelinePath);
        PipelineModel again = PipelineModel.load(pipelinePath);
        List<Row> a = fitted.transform(catalogue).select("id", "prediction", "probability").orderBy("id").collectAsList();
        List<Row> b = again.transform(catalogue).select("id", "prediction", "probability").orderBy("id").collectAsList();
        assertEquals(a, b);
        CaviClustering estimator = new CaviClustering().setK(5).setTau(2.5);
        String ePath = dir.resolve("estimator").toString();
        estimator.write().overwrite().save(ePath);
        CaviClustering e2 = CaviClustering.load(ePath);
        assertEquals(5, (int) e2.getOrDefault(e2.k()));
        assertEquals(2.5, (double) e2.getOrDefault(e2.tau()));
    }

    @Test
    void paramsAreValidatedWithTheCommandsMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CaviClustering().setK(0));
        assertTrue(e.getMessage().contains("k must be at least 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CaviClustering().setTau(-1));
        assertTrue(e.getMessage().contains("tau must be a positive finite number, got -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CaviClustering().setCoords("mercator"));
        assertTrue(e.getMessage().contains("mercator"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CaviClustering().setPi(new double[] {0.5, 0.6}));
        assertTrue(e.getMessage().contains("sum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CaviClustering().setPiPrior("uniform"));
        assertTrue(e.getMessage().contains("pi-prior must be fixed or dirichlet"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CaviClustering().setFeaturesCol("nope").fit(catalogue));
        assertTrue(e.getMessage().contains("column 'nope' not found"), e.getMessage());
        List<String> names = new ArrayList<>();
        for (org.apache.spark.ml.param.Param<?> p : new CaviClustering().params()) {
            names.add(p.name());
        }
        for (String p : List.of("coords", "featuresCol", "latitudeCol", "longitudeCol", "depthCol", "station",
                "strengthCol", "weightCol", "k", "maxIter", "tol", "seed", "restarts", "tau", "rho", "nu", "alpha",
                "beta", "pi", "piPrior", "piConcentration", "predictionCol", "probabilityCol")) {
            assertTrue(names.contains(p), "param " + p + " in " + names);
        }
    }

    @Test
    void theCommandsOptionsAndHyperparametersReadBackFromTheParamsUnchanged() {
        // the cavi command fits through CaviClustering.of: every option must survive the trip through the params
        CaviOptions o = new CaviOptions(7, 55, 1e-7, 42L, 2, CaviOptions.Init.KMEANS_PARALLEL);
        HyperparameterSpec h = new HyperparameterSpec(2.5, 0.25, new double[] {1, -2}, 3.0, 0.5,
                new double[] {0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2}, PiPrior.DIRICHLET, 4.0);
        CaviClustering e = CaviClustering.of(o, h);
        assertEquals(o, e.options());
        HyperparameterSpec back = e.hyperparameters();
        assertEquals(List.of(h.tau(), h.rho(), h.alpha(), h.beta(), h.piPrior(), h.piConcentration()),
                List.of(back.tau(), back.rho(), back.alpha(), back.beta(), back.piPrior(), back.piConcentration()));
        assertArrayEquals(h.nu(), back.nu(), 0.0);
        assertArrayEquals(h.pi(), back.pi(), 0.0);
        HyperparameterSpec defaults = CaviClustering.of(CaviOptions.defaults(), HyperparameterSpec.defaults()).hyperparameters();
        assertEquals(HyperparameterSpec.defaults(), defaults); // no array given: the record's equality is exact
        assertEquals(CaviOptions.defaults(), CaviClustering.of(CaviOptions.defaults(), HyperparameterSpec.defaults()).options());
    }

    @Test
    void serviceLoaderFindsTheEstimatorAndTheModel() {
        List<String> estimators = new ArrayList<>();
        ServiceLoader.load(Estimator.class).stream().forEach(p -> estimators.add(p.type().getName()));
        assertTrue(estimators.contains(CaviClustering.class.getName()), estimators.toString());
        List<String> transformers = new ArrayList<>();
        ServiceLoader.load(Transformer.class).stream().forEach(p -> transformers.add(p.type().getName()));
        assertTrue(transformers.contains(CaviClusteringModel.class.getName()), transformers.toString());
        assertTrue(model(fitted).estimatedSize() > 0);
    }
}
