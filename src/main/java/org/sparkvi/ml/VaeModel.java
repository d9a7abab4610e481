package org.sparkvi.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.vae.EpochMetrics;
import org.sparkvi.vae.VaeConfig;
import org.sparkvi.vae.VaeEvaluation;

/**
 * A fitted {@link Vae}. As a Transformer it adds, per image, the encoder's mean and log-variance of z (the
 * embedding) and the image's negative ELBO (analytic KL, one z: the {@code vae} command's test figure per image; an
 * anomaly score), 100 images per BLAS call. Saved as Spark params metadata plus {@code data/} in the command's model
 * format (model.json and parameters.bin).
 */
public final class VaeModel extends Model<VaeModel> implements MLWritable, HasVaeOutputs {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final VaeOutputParams outputs;
    private final org.sparkvi.vae.VaeModel model;
    private final transient List<EpochMetrics> metrics;

    public VaeModel() {
        this(Identifiable.randomUID("vaeModel"), null, null);
    }

    public VaeModel(String uid) {
        this(uid, null, null);
    }

    VaeModel(String uid, org.sparkvi.vae.VaeModel model, List<EpochMetrics> metrics) {
        this.uid = uid;
        this.model = model;
        this.metrics = metrics;
        this.outputs = new VaeOutputParams(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public VaeOutputParams outputParams() {
        return outputs;
    }

    public VaeModel setFeaturesCol(String v) {
        set(outputs.featuresCol, v);
        return this;
    }

    public VaeModel setIndexCol(String v) {
        set(outputs.indexCol, v);
        return this;
    }

    public VaeModel setNegElboCol(String v) {
        set(outputs.negElboCol, v);
        return this;
    }

    /** A model in the command's format (a {@code vae} output's model/ folder) as a Transformer with the default columns. */
    public static VaeModel of(org.sparkvi.vae.VaeModel model) {
        return new VaeModel(Identifiable.randomUID("vaeModel"), model, null);
    }

    /** n images decoded from z ~ N(0, I) drawn from {@code seed}: Bernoulli means, 784 per image, image after image. */
    public double[] sample(int n, long seed) {
        return model.sample(n, seed);
    }

    /** The trained network in the command's form. */
    public org.sparkvi.vae.VaeModel vaeModel() {
        return model;
    }

    /** Train loss and test figure per epoch of the fit (not kept by save and load). */
    public List<EpochMetrics> trainingMetrics() {
        if (metrics == null) {
            throw new IllegalStateException("no training metrics: this model was loaded, not fitted");
        }
        return metrics;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema(), true);
        @SuppressWarnings("unchecked")
        Dataset<Row> in = (Dataset<Row>) dataset.toDF();
        int pixelsAt = in.schema().fieldIndex($(outputs.featuresCol));
        String indexName = outputs.get(outputs.indexCol);
        int indexAt = indexName.isEmpty() ? -1 : in.schema().fieldIndex(indexName);
        boolean mean = !outputs.get(outputs.latentMeanCol).isEmpty();
        boolean logvar = !outputs.get(outputs.latentLogVarCol).isEmpty();
        boolean elbo = !outputs.get(outputs.negElboCol).isEmpty();
        org.sparkvi.vae.VaeModel m = model;
        MapPartitionsFunction<Row, Row> f = it -> new Iterator<Row>() {
            final List<Row> batch = new ArrayList<>();
            Iterator<Row> ready = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                if (!ready.hasNext() && it.hasNext()) {
                    ready = next100();
                }
                return ready.hasNext();
            }

            @Override
            public Row next() {
                hasNext();
                return ready.next();
            }

            private Iterator<Row> next100() {
                batch.clear();
                while (it.hasNext() && batch.size() < 100) {
                    batch.add(it.next());
                }
                int n = batch.size();
                VaeConfig c = m.config();
                byte[] images = new byte[n * VaePixels.PIXELS];
                long[] index = new long[n];
                for (int i = 0; i < n; i++) {
                    Row r = batch.get(i);
                    VaePixels.bytes(r.get(pixelsAt), images, i * VaePixels.PIXELS, "image " + r);
                    index[i] = indexAt >= 0 ? r.getLong(indexAt) : java.util.Arrays.hashCode(
                            java.util.Arrays.copyOfRange(images, i * VaePixels.PIXELS, (i + 1) * VaePixels.PIXELS)) & 0x7fffffffL;
                }
                VaeEvaluation.PerImage e = VaeEvaluation.perImage(c, m.params(), images, index, n);
                int lat = c.latent();
                List<Row> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Row r = batch.get(i);
                    List<Object> values = new ArrayList<>(r.length() + 3);
                    for (int j = 0; j < r.length(); j++) {
                        values.add(r.get(j));
                    }
                    if (mean) {
                        values.add(Vectors.dense(java.util.Arrays.copyOfRange(e.mu(), i * lat, (i + 1) * lat)));
                    }
                    if (logvar) {
                        values.add(Vectors.dense(java.util.Arrays.copyOfRange(e.logvar(), i * lat, (i + 1) * lat)));
                    }
                    if (elbo) {
                        values.add(e.negElbo()[i]);
                    }
                    out.add(RowFactory.create(values.toArray()));
                }
                return out.iterator();
            }
        };
        return in.mapPartitions(f, Encoders.row(outSchema));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        VaePixels.check(schema, $(outputs.featuresCol));
        return outputs.outputSchema(schema, model.config().latent());
    }

    @Override
    public VaeModel copy(ParamMap extra) {
        return copyValues(new VaeModel(uid, model, metrics), extra).setParent(parent());
    }

    @Override
    public long estimatedSize() {
        return 8L * model.params().length + 1024;
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                DefaultParamsWriter.saveMetadata(VaeModel.this, path, sparkSession());
                try {
                    Path data = new Path(path, "data");
                    model.write(data.getFileSystem(sc().hadoopConfiguration()), data);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    public static MLReader<VaeModel> read() {
        return new MLReader<>() {
            @Override
            public VaeModel load(String path) {
                DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
                        VaeModel.class.getName());
                org.sparkvi.vae.VaeModel m = org.sparkvi.vae.VaeModel.load(new Path(path, "data").toString(),
                        sc().hadoopConfiguration());
                VaeModel model = new VaeModel(metadata.uid(), m, null);
                metadata.getAndSetParams(model, scala.Option.empty());
                return model;
            }
        };
    }

    public static VaeModel load(String path) {
        return read().load(path);
    }
}
