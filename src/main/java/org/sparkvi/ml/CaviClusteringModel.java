package org.sparkvi.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.cavi.AssignmentSummary;
import org.sparkvi.cavi.Assignments;
import org.sparkvi.cavi.CaviEstimator;
import org.sparkvi.cavi.CaviModel;
import org.sparkvi.cavi.LoadedCatalogue;
import org.sparkvi.cavi.SparkCaviData;
import org.sparkvi.cavi.SufficientStatistics;
import org.sparkvi.cavi.CaviSummary;
import org.sparkvi.cavi.ClusterEvents;
import org.sparkvi.cavi.MapSample;
import org.sparkvi.cavi.EventBlock;
import org.sparkvi.cavi.ResponsibilityKernel;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.cavi.EventParser;
import org.sparkvi.io.Json;

/**
 * A fitted {@link CaviClustering}: the variational posterior q(μ_k) = N(m_k, 1/ρ*_k I), q(λ_k) = Gamma(a_k, b_k)
 * and the weights. As a Transformer it adds {@code prediction} (the most likely cluster) and {@code probability}
 * (the responsibilities r_n·, the same numbers as {@code cavi-assign}); either is skipped when its column name is
 * empty. Saved with Spark's params metadata plus {@code data/model.json} (the command's model format).
 */
public final class CaviClusteringModel extends Model<CaviClusteringModel> implements MLWritable, HasCaviColumns {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final CaviColumnParams columns;
    private final CaviModel model;
    private final transient CaviSummary summary;
    private final transient MapSample eventSample;

    public CaviClusteringModel() {
        this(Identifiable.randomUID("caviClusteringModel"), null, null, null);
    }

    public CaviClusteringModel(String uid) {
        this(uid, null, null, null);
    }

    CaviClusteringModel(String uid, CaviModel model, CaviSummary summary, MapSample eventSample) {
        this.uid = uid;
        this.columns = new CaviColumnParams(this);
        this.model = model;
        this.summary = summary;
        this.eventSample = eventSample;
    }

    /** A model in the command's format (a {@code cavi} output's model/ folder) as a Transformer with the default columns. */
    public static CaviClusteringModel of(CaviModel model) {
        return new CaviClusteringModel(Identifiable.randomUID("caviClusteringModel"), model, null, null);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public CaviColumnParams columnParams() {
        return columns;
    }

    public CaviClusteringModel setFeaturesCol(String v) {
        set(columns.featuresCol, v);
        return this;
    }

    public CaviClusteringModel setPredictionCol(String v) {
        set(columns.predictionCol, v);
        return this;
    }

    public CaviClusteringModel setProbabilityCol(String v) {
        set(columns.probabilityCol, v);
        return this;
    }

    /** The fitted model in the command's format (hyperparameters, q, coordinate system, strength). */
    public CaviModel caviModel() {
        return model;
    }

    public int k() {
        return model.k();
    }

    /** Posterior means m_k in model space, one Vector per cluster. */
    public Vector[] means() {
        Vector[] out = new Vector[model.k()];
        for (int c = 0; c < model.k(); c++) {
            out[c] = Vectors.dense(model.mean(c));
        }
        return out;
    }

    /** ρ*_k: the precision of q(μ_k). */
    public double[] rhoStar() {
        return model.rhoStar().clone();
    }

    public double[] lambdaShape() {
        return model.lambdaShape().clone();
    }

    public double[] lambdaRate() {
        return model.lambdaRate().clone();
    }

    /** The mixing weights: E_q[π] under a Dirichlet prior, else the fixed π. */
    public double[] weights() {
        return model.parameters().expectedPi(model.hyperparameters());
    }

    public boolean hasSummary() {
        return summary != null;
    }

    /** The fit's summary (not kept by save and load, as in MLlib). */
    public CaviClusteringSummary summary() {
        if (summary == null) {
            throw new IllegalStateException("no summary: this model was loaded, not fitted");
        }
        return new CaviClusteringSummary(summary, eventSample);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        ResponsibilityKernel kernel = model.kernel();
        CoordinateSystem cs = model.coords();
        boolean mag10 = model.strength().mag10();
        List<Column> inputs = new ArrayList<>();
        if (cs.kind() == CoordinateSystem.Kind.IDENTITY) {
            inputs.add(col(q(columns.get(columns.featuresCol))));
        } else {
            inputs.add(col(q(columns.get(columns.latitudeCol))).cast(DataTypes.DoubleType));
            inputs.add(col(q(columns.get(columns.longitudeCol))).cast(DataTypes.DoubleType));
            inputs.add(cs.usesDepth() ? col(q(columns.get(columns.depthCol))).cast(DataTypes.DoubleType)
                    : functions.lit(Double.NaN));
        }
        inputs.add(col(q(columns.get(columns.strengthCol))).cast(DataTypes.DoubleType));
        UDF1<Row, Vector> responsibilities = row -> {
            double[] r = responsibilities(kernel, cs, mag10, row);
            return r == null ? null : Vectors.dense(r);
        };
        UserDefinedFunction probability = udf(responsibilities, SQLDataTypes.VectorType());
        Column p = probability.apply(functions.struct(inputs.toArray(new Column[0])));
        @SuppressWarnings("unchecked")
        Dataset<Row> out = (Dataset<Row>) dataset.toDF();
        String probCol = columns.get(columns.probabilityCol);
        String predCol = columns.get(columns.predictionCol);
        String tmp = "_sparkvi_r_" + uid;
        out = out.withColumn(tmp, p);
        if (!predCol.isEmpty()) {
            UDF1<Vector, Integer> argmax = v -> v == null ? null : ClusterEvents.argmax(v.toArray());
            out = out.withColumn(predCol, udf(argmax, DataTypes.IntegerType).apply(col(tmp)));
        }
        if (!probCol.isEmpty()) {
            out = out.withColumnRenamed(tmp, probCol);
        } else {
            out = out.drop(tmp);
        }
        return out;
    }

    /**
     * Writes the responsibilities of a loaded catalogue's events, one row each, as Parquet into the folder
     * {@code dir} (the {@code cavi} and {@code cavi-assign} commands' assignments.parquet, schema
     * {@link Assignments#SCHEMA}); returns the number of rows.
     */
    public long writeAssignments(SparkSession spark, LoadedCatalogue cat, String dir) {
        return Assignments.write(spark, cat.blocks(), model, dir);
    }

    /** What {@code cavi-assign} reports of a loaded catalogue under this model: its ELBO terms, sizes and scores. */
    public AssignmentSummary assignmentSummary(SparkSession spark, LoadedCatalogue cat, String input, String modelSource) {
        SufficientStatistics stats = new SparkCaviData(spark, cat.blocks(), model.d())
                .pass(model.hyperparameters(), model.parameters(), "Responsibilities of the new events under the model");
        ClusterEvents events = CaviEstimator.clusterEvents(spark, cat.blocks(), model);
        return AssignmentSummary.of(input, modelSource, cat.records(), cat.rejectedByReason(), cat.duplicateIds(), stats,
                events);
    }

    /** r_n· of one row (location..., strength), or null when the row is not a valid event (the fit would quarantine it). */
    static double[] responsibilities(ResponsibilityKernel kernel, CoordinateSystem cs, boolean mag10, Row row) {
        int d = cs.dim();
        double[] x = new double[d];
        int s;
        if (cs.kind() == CoordinateSystem.Kind.IDENTITY) {
            Vector v = row.isNullAt(0) ? null : (Vector) row.get(0);
            if (v == null || v.size() != d) {
                return null;
            }
            for (int j = 0; j < d; j++) {
                x[j] = v.apply(j);
            }
        } else {
            if (row.isNullAt(0) || row.isNullAt(1) || (cs.usesDepth() && row.isNullAt(2))) {
                return null;
            }
            double lat = row.getDouble(0);
            double lon = row.getDouble(1);
            if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
                return null;
            }
            cs.toModel(lat, lon, row.getDouble(2), new double[0], x);
        }
        int si = row.length() - 1;
        if (row.isNullAt(si) || !Double.isFinite(row.getDouble(si))) {
            return null;
        }
        double value = row.getDouble(si);
        double strength = mag10 ? Math.max(0, Math.round(10 * value)) : value;
        if (strength < 0 || strength != Math.rint(strength) || strength > EventParser.MAX_STRENGTH) {
            return null;
        }
        for (double xj : x) {
            if (!Double.isFinite(xj)) {
                return null;
            }
        }
        EventBlock one = new EventBlock(d, x, new double[] {strength}, null, new double[1], new long[1], null, null,
                null, null, null, null);
        return kernel.responsibilities(one, 0);
    }

    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return columns.outputSchema(schema, false);
    }

    @Override
    public CaviClusteringModel copy(ParamMap extra) {
        CaviClusteringModel copied = new CaviClusteringModel(uid, model, summary, eventSample);
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public long estimatedSize() {
        return 8L * (model.k() * (model.d() + 5L)) + 1024;
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<CaviClusteringModel> read() {
        return new Reader();
    }

    public static CaviClusteringModel load(String path) {
        return read().load(path);
    }

    static final String DATA = "data/" + CaviModel.FILE;

    private static final class Writer extends MLWriter {
        private final CaviClusteringModel instance;

        Writer(CaviClusteringModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
            Path data = new Path(path, DATA);
            try {
                FileSystem fs = data.getFileSystem(sc().hadoopConfiguration());
                try (OutputStream out = fs.create(data, true)) {
                    out.write(Json.write(instance.model).getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + data + ": " + e.getMessage(), e);
            }
        }
    }

    private static final class Reader extends MLReader<CaviClusteringModel> {
        @Override
        public CaviClusteringModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    CaviClusteringModel.class.getName());
            CaviModel m = CaviModel.load(new Path(path, "data").toString(), sc().hadoopConfiguration());
            CaviClusteringModel model = new CaviClusteringModel(metadata.uid(), m, null, null);
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
