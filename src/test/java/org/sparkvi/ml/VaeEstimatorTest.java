package org.sparkvi.ml;

import org.sparkvi.vae.VaeConfig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.cli.Main;
import org.sparkvi.io.Json;
import org.sparkvi.vae.MnistData;

/** The VAE as an Estimator: the same training as the vae command, and transform's per-image −ELBO against its test figure. */
class VaeEstimatorTest {
    @TempDir
    static Path dir;

    static Dataset<Row> images(SparkSession spark, MnistData d) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.count(); i++) {
            List<Double> px = new ArrayList<>(d.pixels());
            for (int j = 0; j < d.pixels(); j++) {
                px.add(d.intensity(i, j));
            }
            rows.add(RowFactory.create((long) i, px));
        }
        StructType schema = new StructType().add("index", DataTypes.LongType, false)
                .add("pixels", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void theCommandsConfigurationReadsBackFromTheParamsUnchanged() {
        // the vae command trains through Vae.of: every field of its configuration must survive the params
        VaeConfig c = new VaeConfig(784, 32, 6, 3, 50, 2e-3, 0.9, 0.999, 1e-8, 0.2, 17L, VaeConfig.Binarize.DYNAMIC,
                VaeConfig.Estimator.STL, VaeConfig.Precision.DOUBLE);
        assertEquals(c, Vae.of(c, "steps").config());
        Vae steps = Vae.of(c, "steps");
        assertEquals("steps", steps.getOrDefault(steps.engine()));
        assertEquals(VaeConfig.defaults(), Vae.of(VaeConfig.defaults(), "auto").config());
        assertEquals(VaeConfig.defaults(), new Vae().config());
        assertThrows(IllegalArgumentException.class, () -> Vae.of(new VaeConfig(784, 32, 6, 3, 50, 2e-3, 0.5, 0.999,
                1e-8, 0.2, 17L, VaeConfig.Binarize.ROUND, VaeConfig.Estimator.ANALYTIC, VaeConfig.Precision.FLOAT), "auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Vae().setBinarize("maybe"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Vae().setPrecision("half")).getMessage()
                .contains("precision must be one of [float, double], got 'half'"));
        assertTrue(e.getMessage().contains("binarize must be one of [round, dynamic], got 'maybe'"), e.getMessage());
    }

    @Test
    void fitsWhatTheCommandTrainsAndScoresItsTestFigure() throws Exception {
        SparkSession spark = TestSpark.get();
        Path out = dir.resolve("vae");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "vae", "--epochs", "1",
                "--hidden", "64", "--latent", "8", "--output", out.toString(), "--test-images", "20", "--iwae-images", "5",
                "--iwae-k", "2");
        assertEquals(0, code, err.toString());
        JsonNode report = Json.MAPPER.readTree(Files.readString(out.resolve("report.json")));
        org.sparkvi.vae.VaeModel command = org.sparkvi.vae.VaeModel.load(out.toString(), new Configuration());

        Path sample = Path.of("data/mnist-sample");
        Dataset<Row> train = images(spark, MnistData.load(sample, "train"));
        Dataset<Row> test = images(spark, MnistData.load(sample, "t10k"));
        VaeModel model = new Vae().setEpochs(1).setHidden(64).setLatent(8).setFeaturesCol("pixels").fit(train);
        assertArrayEquals(command.params(), model.vaeModel().params(), "the same training, to the bit");

        Dataset<Row> scored = model.setIndexCol("index").transform(test);
        List<Row> rows = scored.select("index", "latent_mean", "latent_logvar", "neg_elbo").orderBy("index").collectAsList();
        double sum = 0;
        for (Row r : rows) {
            assertEquals(8, ((Vector) r.get(1)).size());
            assertEquals(8, ((Vector) r.get(2)).size());
            sum += r.getDouble(3);
        }
        double expected = report.get("test_neg_elbo").asDouble();
        assertEquals(expected, sum / rows.size(), 1e-9 * Math.abs(expected));

        String path = dir.resolve("ml-vae").toString();
        model.write().overwrite().save(path);
        VaeModel loaded = VaeModel.load(path);
        assertArrayEquals(model.vaeModel().params(), loaded.vaeModel().params());
        assertEquals(rows, loaded.transform(test).select("index", "latent_mean", "latent_logvar", "neg_elbo")
                .orderBy("index").collectAsList());
    }

    @Test
    void paramsAndInputAreChecked() {
        SparkSession spark = TestSpark.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Vae().setEpochs(0));
        assertTrue(e.getMessage().contains("epochs must be at least 1, got 0"), e.getMessage());
        Dataset<Row> wrong = spark.createDataFrame(List.of(RowFactory.create(List.of(0.5, 0.5))),
                new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType)));
        e = assertThrows(IllegalArgumentException.class, () -> new Vae().fit(wrong));
        assertTrue(e.getMessage().contains("has 2 pixels, not 784"), e.getMessage());
    }
}
