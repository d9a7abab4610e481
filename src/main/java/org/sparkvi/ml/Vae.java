package org.sparkvi.ml;

import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.vae.EpochEngine;
import org.sparkvi.vae.EpochEngines;
import org.sparkvi.vae.MnistData;
import org.sparkvi.vae.TrainingState;
import org.sparkvi.vae.VaeConfig;
import org.sparkvi.vae.VaeListener;
import org.sparkvi.vae.VaeTrainer;

/**
 * Kingma & Welling's VAE as a Spark ML {@link Estimator}: fits from a DataFrame whose {@code featuresCol} holds 784
 * pixel intensities in [0, 1] (a Vector or a numeric array), with the trainer the {@code vae} command uses
 * (synchronous data-parallel Adam over {@code partitions} shards; 0 = Spark's default parallelism), in float32 by
 * default ({@code precision}: float or double, as the command's --precision). The images are
 * gathered on the driver as bytes (47 MB for all of MNIST), as the command holds them.
 */
public final class Vae extends Estimator<VaeModel> implements DefaultParamsWritable, HasVaeOutputs {
    private static final long serialVersionUID = 1L;
    private final String uid;
    final IntParam epochs;
    final IntParam batchSize;
    final DoubleParam learningRate;
    final IntParam hidden;
    final IntParam latent;
    final LongParam seed;
    final IntParam partitions;
    final Param<String> engine;
    final Param<String> precision;
    final VaeOutputParams outputs;

    public Vae() {
        this(Identifiable.randomUID("vae"));
    }

    public Vae(String uid) {
        this.uid = uid;
        VaeConfig d = VaeConfig.defaults();
        epochs = new IntParam(this, "epochs", "passes over the data (>= 1)", ParamChecks.of((Object v) -> positive("epochs", v)));
        batchSize = new IntParam(this, "batchSize", "images per step (>= 1)", ParamChecks.of((Object v) -> positive("batchSize", v)));
        learningRate = new DoubleParam(this, "learningRate", "Adam's step size (> 0)",
                ParamChecks.of((Object v) -> org.sparkvi.cavi.HyperparameterSpec.checkPositive("learningRate", (Double) v)));
        hidden = new IntParam(this, "hidden", "units of each hidden layer", ParamChecks.of((Object v) -> positive("hidden", v)));
        latent = new IntParam(this, "latent", "dimension of z", ParamChecks.of((Object v) -> positive("latent", v)));
        seed = new LongParam(this, "seed", "seed of every random draw (initialisation, shuffling, epsilon)");
        partitions = new IntParam(this, "partitions", "data-parallel shards (0 = Spark's default parallelism)",
                ParamChecks.of((Object v) -> {
                    if ((Integer) v < 0) {
                        throw new IllegalArgumentException("partitions must be 0 or more, got " + v);
                    }
                }));
        engine = new Param<>(this, "engine", "auto, barrier or steps", ParamChecks.of((String v) -> {
            if (!List.of("auto", "barrier", "steps").contains(v)) {
                throw new IllegalArgumentException("engine must be auto, barrier or steps, got '" + v + "'");
            }
        }));
        precision = new Param<>(this, "precision", "float (float32, sgemm) or double (float64, dgemm)",
                ParamChecks.of((String v) -> {
                    if (!List.of("float", "double").contains(v)) {
                        throw new IllegalArgumentException("precision must be float or double, got '" + v + "'");
                    }
                }));
        outputs = new VaeOutputParams(this);
        setDefault(epochs, d.epochs());
        setDefault(batchSize, d.batchSize());
        setDefault(learningRate, d.learningRate());
        setDefault(hidden, d.hidden());
        setDefault(latent, d.latent());
        setDefault(seed, d.seed());
        setDefault(partitions, 0);
        setDefault(engine, "auto");
        setDefault(precision, d.precision().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static void positive(String name, Object v) {
        if ((Integer) v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public VaeOutputParams outputParams() {
        return outputs;
    }

    public IntParam epochs() {
        return epochs;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public IntParam hidden() {
        return hidden;
    }

    public IntParam latent() {
        return latent;
    }

    public LongParam seed() {
        return seed;
    }

    public IntParam partitions() {
        return partitions;
    }

    public Param<String> engine() {
        return engine;
    }

    public Param<String> precision() {
        return precision;
    }

    public Vae setPrecision(String v) {
        set(precision, v);
        return this;
    }

    public Vae setFeaturesCol(String v) {
        set(outputs.featuresCol, v);
        return this;
    }

    public Vae setEpochs(int v) {
        set(epochs, v);
        return this;
    }

    public Vae setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    public Vae setLearningRate(double v) {
        set(learningRate, v);
        return this;
    }

    public Vae setHidden(int v) {
        set(hidden, v);
        return this;
    }

    public Vae setLatent(int v) {
        set(latent, v);
        return this;
    }

    public Vae setSeed(long v) {
        set(seed, v);
        return this;
    }

    public Vae setPartitions(int v) {
        set(partitions, v);
        return this;
    }

    public Vae setEngine(String v) {
        set(engine, v);
        return this;
    }

    public Vae setIndexCol(String v) {
        set(outputs.indexCol, v);
        return this;
    }

    VaeConfig config() {
        VaeConfig d = VaeConfig.defaults();
        return new VaeConfig(VaePixels.PIXELS, (Integer) getOrDefault(hidden), (Integer) getOrDefault(latent),
                (Integer) getOrDefault(epochs), (Integer) getOrDefault(batchSize), (Double) getOrDefault(learningRate),
                d.beta1(), d.beta2(), d.adamEps(), d.leak(), (Long) getOrDefault(seed), d.binarize(), d.estimator(),
                VaeConfig.Precision.valueOf($(precision).toUpperCase(java.util.Locale.ROOT)));
    }

    @Override
    public VaeModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        SparkSession spark = dataset.sparkSession();
        VaeConfig c = config();
        List<Row> rows = dataset.select(VaePixels.column($(outputs.featuresCol))).collectAsList();
        int n = rows.size();
        if (n == 0) {
            throw new IllegalArgumentException("the DataFrame has no images");
        }
        byte[] images = new byte[n * VaePixels.PIXELS];
        for (int i = 0; i < n; i++) {
            VaePixels.bytes(rows.get(i).get(0), images, i * VaePixels.PIXELS, "image " + i);
        }
        MnistData train = new MnistData(n, VaePixels.PIXELS, images, new byte[n]);
        int p = (Integer) getOrDefault(partitions);
        int shards = p > 0 ? p : spark.sparkContext().defaultParallelism();
        TrainingState state;
        try (EpochEngine e = EpochEngines.choose(spark, c, train, shards, $(engine))) {
            // the per-epoch test figure is taken on the first (up to) 1,000 training images
            state = VaeTrainer.train(c, train, train, Math.min(n, 1000), e, null, VaeListener.NONE, s -> { });
        }
        VaeModel model = new VaeModel(uid, new org.sparkvi.vae.VaeModel(c, state.params()), state.metrics());
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        VaePixels.check(schema, $(outputs.featuresCol));
        return outputs.outputSchema(schema, (Integer) getOrDefault(latent));
    }

    @Override
    public Vae copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return DefaultParamsWritable.super.write();
    }

    public static MLReader<Vae> read() {
        return new DefaultParamsReader<>();
    }

    public static Vae load(String path) {
        return read().load(path);
    }
}
