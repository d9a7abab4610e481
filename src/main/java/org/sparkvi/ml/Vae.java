package org.sparkvi.ml;

import java.util.List;
import java.util.Locale;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("org.sparkvi.vae");
    private final String uid;
    final IntParam epochs;
    final IntParam batchSize;
    final DoubleParam learningRate;
    final IntParam hidden;
    final IntParam latent;
    final LongParam seed;
    final IntParam partitions;
    final Param<String> engine;
    final Param<String> binarize;
    final Param<String> gradientEstimator;
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
        engine = new Param<>(this, "engine", "auto, barrier, socket or steps", ParamChecks.of((String v) -> {
            if (!List.of("auto", "barrier", "socket", "steps").contains(v)) {
                throw new IllegalArgumentException("engine must be auto, barrier, socket or steps, got '" + v + "'");
            }
        }));
        binarize = new Param<>(this, "binarize", "round (a pixel >= 128 is 1, fixed) or dynamic (Bernoulli(p) anew each epoch)",
                ParamChecks.of((String v) -> VaeConfig.parse(VaeConfig.Binarize.class, "binarize", v)));
        gradientEstimator = new Param<>(this, "gradientEstimator", "analytic (closed-form KL) or stl (sticking the landing)",
                ParamChecks.of((String v) -> VaeConfig.parse(VaeConfig.Estimator.class, "gradientEstimator", v)));
        precision = new Param<>(this, "precision", "float (float32, sgemm) or double (float64, dgemm)",
                ParamChecks.of((String v) -> VaeConfig.parse(VaeConfig.Precision.class, "precision", v)));
        outputs = new VaeOutputParams(this);
        setDefault(epochs, d.epochs());
        setDefault(batchSize, d.batchSize());
        setDefault(learningRate, d.learningRate());
        setDefault(hidden, d.hidden());
        setDefault(latent, d.latent());
        setDefault(seed, d.seed());
        setDefault(partitions, 0);
        setDefault(engine, "auto");
        setDefault(binarize, d.binarize().name().toLowerCase(Locale.ROOT));
        setDefault(gradientEstimator, d.estimator().name().toLowerCase(Locale.ROOT));
        setDefault(precision, d.precision().name().toLowerCase(Locale.ROOT));
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

    public Param<String> binarize() {
        return binarize;
    }

    public Param<String> gradientEstimator() {
        return gradientEstimator;
    }

    public Vae setBinarize(String v) {
        set(binarize, v);
        return this;
    }

    public Vae setGradientEstimator(String v) {
        set(gradientEstimator, v);
        return this;
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

    /** The training configuration the params describe (Adam's β1, β2, ε and the leak are the reference's constants). */
    public VaeConfig config() {
        VaeConfig d = VaeConfig.defaults();
        return new VaeConfig(VaePixels.PIXELS, (Integer) getOrDefault(hidden), (Integer) getOrDefault(latent),
                (Integer) getOrDefault(epochs), (Integer) getOrDefault(batchSize), (Double) getOrDefault(learningRate),
                d.beta1(), d.beta2(), d.adamEps(), d.leak(), (Long) getOrDefault(seed),
                VaeConfig.parse(VaeConfig.Binarize.class, "binarize", $(binarize)),
                VaeConfig.parse(VaeConfig.Estimator.class, "gradientEstimator", $(gradientEstimator)),
                VaeConfig.parse(VaeConfig.Precision.class, "precision", $(precision)));
    }

    /**
     * An estimator whose params describe {@code c} ({@link #config()} reads it back unchanged) and train with
     * {@code engine}: how the {@code vae} command trains.
     */
    public static Vae of(VaeConfig c, String engine) {
        VaeConfig d = VaeConfig.defaults();
        if (c.input() != VaePixels.PIXELS || c.beta1() != d.beta1() || c.beta2() != d.beta2() || c.adamEps() != d.adamEps()
                || c.leak() != d.leak()) {
            throw new IllegalArgumentException("the VAE estimator trains 784-pixel images with Adam(" + d.beta1() + ", "
                    + d.beta2() + ", " + d.adamEps() + ") and leak " + d.leak() + ", not " + c);
        }
        return new Vae().setHidden(c.hidden()).setLatent(c.latent()).setEpochs(c.epochs()).setBatchSize(c.batchSize())
                .setLearningRate(c.learningRate()).setSeed(c.seed()).setEngine(engine)
                .setBinarize(c.binarize().name().toLowerCase(Locale.ROOT))
                .setGradientEstimator(c.estimator().name().toLowerCase(Locale.ROOT))
                .setPrecision(c.precision().name().toLowerCase(Locale.ROOT));
    }

    /**
     * What one training run needs beside the params: the images, the test images whose −ELBO is reported after each
     * epoch (the first {@code testImages}), the data-parallel width ({@code shards} 0: in this process, without
     * Spark), a checkpoint to resume from (or null), who hears of each step and epoch, and where each epoch's
     * checkpoint goes.
     */
    public record Training(MnistData train, MnistData test, int testImages, int shards, TrainingState resume,
                           VaeListener listener, java.util.function.Consumer<TrainingState> checkpoint) {
    }

    /** The one VAE training, behind {@link #fit(Dataset)} and the {@code vae} command. */
    public VaeModel fit(SparkSession spark, Training t) {
        VaeConfig c = config();
        TrainingState state;
        try (EpochEngine e = EpochEngines.choose(spark, c, t.train(), t.shards(), $(engine))) {
            LOG.info("engine: {}", t.shards() == 0 ? "single process" : e.describe());
            state = VaeTrainer.train(c, t.train(), t.test(), t.testImages(), e, t.resume(), t.listener(), t.checkpoint());
        }
        VaeModel model = new VaeModel(uid, new org.sparkvi.vae.VaeModel(c, state.params()), state.metrics());
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
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
        // the per-epoch test figure is taken on the first (up to) 1,000 training images
        return fit(spark, new Training(train, train, Math.min(n, 1000), shards, null, VaeListener.NONE, s -> { }));
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
