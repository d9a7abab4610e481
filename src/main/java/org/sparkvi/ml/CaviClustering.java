package org.sparkvi.ml;

import java.util.Locale;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.cavi.CaviEstimator;
import org.sparkvi.cavi.CaviListener;
import org.sparkvi.cavi.CaviModel;
import org.sparkvi.cavi.CaviOptions;
import org.sparkvi.cavi.CaviResult;
import org.sparkvi.cavi.CaviSummary;
import org.sparkvi.cavi.HyperparameterSpec;
import org.sparkvi.cavi.PiPrior;
import org.sparkvi.cavi.CatalogueLoader;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;
import org.sparkvi.cavi.LoadedCatalogue;

/**
 * Earthquake clustering by CAVI as a Spark ML {@link Estimator}: K super-epicentres of the events of a DataFrame,
 * with a Poisson strength rate each (the model of the {@code cavi} command; the same code fits it). With
 * {@code coords = identity} the locations are the Vector column {@code featuresCol} (a {@code VectorAssembler}'s
 * output); with a geographic system they are read from {@code latitudeCol}, {@code longitudeCol} (and
 * {@code depthCol} for hypocentres). Records that cannot be used are quarantined and counted in the summary, as
 * the command does. Param names follow MLlib's GaussianMixture where it has the concept.
 */
public final class CaviClustering extends Estimator<CaviClusteringModel> implements DefaultParamsWritable, HasCaviColumns {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final CaviColumnParams columns;
    private final IntParam k;
    private final IntParam maxIter;
    private final DoubleParam tol;
    private final LongParam seed;
    private final IntParam restarts;
    private final Param<String> init;
    private final DoubleParam tau;
    private final DoubleParam rho;
    private final DoubleArrayParam nu;
    private final DoubleParam alpha;
    private final DoubleParam beta;
    private final DoubleArrayParam pi;
    private final Param<String> piPrior;
    private final DoubleParam piConcentration;

    public CaviClustering() {
        this(Identifiable.randomUID("caviClustering"));
    }

    public CaviClustering(String uid) {
        this.uid = uid;
        this.columns = new CaviColumnParams(this);
        k = new IntParam(this, "k", "number of clusters K (>= 1)", ParamChecks.of((Object v) -> CaviOptions.checkK((Integer) v)));
        maxIter = new IntParam(this, "maxIter", "most iterations per restart (>= 1)",
                ParamChecks.of((Object v) -> CaviOptions.checkMaxIter((Integer) v)));
        tol = new DoubleParam(this, "tol", "stop when |ELBO change| <= tol * |ELBO| (>= 0)",
                ParamChecks.of((Object v) -> CaviOptions.checkTol((Double) v)));
        seed = new LongParam(this, "seed", "seed of every random draw");
        restarts = new IntParam(this, "restarts", "initialisations tried; the best final ELBO is kept (>= 1)",
                ParamChecks.of((Object v) -> CaviOptions.checkRestarts((Integer) v)));
        init = new Param<>(this, "init", "initialisation: kmeans++ (partition-invariant) or kmeans-parallel",
                ParamChecks.of((String v) -> CaviOptions.parseInit(v)));
        tau = new DoubleParam(this, "tau", "precision of events about their centre (default: K^(2/D)/s^2)",
                ParamChecks.of((Object v) -> HyperparameterSpec.checkPositive("tau", (Double) v)));
        rho = new DoubleParam(this, "rho", "prior precision of the centres (default: 1/s^2)",
                ParamChecks.of((Object v) -> HyperparameterSpec.checkPositive("rho", (Double) v)));
        nu = new DoubleArrayParam(this, "nu", "prior mean of the centres, D values (default: the data mean)");
        alpha = new DoubleParam(this, "alpha", "Gamma shape of the rates (default 1)",
                ParamChecks.of((Object v) -> HyperparameterSpec.checkPositive("alpha", (Double) v)));
        beta = new DoubleParam(this, "beta", "Gamma rate of the rates (default alpha / mean strength)",
                ParamChecks.of((Object v) -> HyperparameterSpec.checkPositive("beta", (Double) v)));
        pi = new DoubleArrayParam(this, "pi", "mixing weights, K positive values summing to 1 (default uniform)",
                ParamChecks.of((double[] v) -> HyperparameterSpec.checkPi(v)));
        piPrior = new Param<>(this, "piPrior", "fixed (the model as stated) or dirichlet (q(pi) = Dir(c + N_k))",
                ParamChecks.of((String v) -> PiPrior.parse(v)));
        piConcentration = new DoubleParam(this, "piConcentration", "Dirichlet concentration c (> 0)",
                ParamChecks.of((Object v) -> HyperparameterSpec.checkPositive("piConcentration", (Double) v)));
        CaviOptions d = CaviOptions.defaults();
        setDefault(k, d.k());
        setDefault(maxIter, d.maxIter());
        setDefault(tol, d.tol());
        setDefault(seed, d.seed());
        setDefault(restarts, d.restarts());
        setDefault(init, "kmeans++");
        setDefault(piPrior, "fixed");
        setDefault(piConcentration, 1.0);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public CaviColumnParams columnParams() {
        return columns;
    }

    // params, found by Spark through these public accessors

    public IntParam k() {
        return k;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public DoubleParam tol() {
        return tol;
    }

    public LongParam seed() {
        return seed;
    }

    public IntParam restarts() {
        return restarts;
    }

    public Param<String> init() {
        return init;
    }

    public DoubleParam tau() {
        return tau;
    }

    public DoubleParam rho() {
        return rho;
    }

    public DoubleArrayParam nu() {
        return nu;
    }

    public DoubleParam alpha() {
        return alpha;
    }

    public DoubleParam beta() {
        return beta;
    }

    public DoubleArrayParam pi() {
        return pi;
    }

    public Param<String> piPrior() {
        return piPrior;
    }

    public DoubleParam piConcentration() {
        return piConcentration;
    }

    // setters, each returning the estimator
    public CaviClustering setFeaturesCol(String v) {
        set(columns.featuresCol, v);
        return this;
    }

    public CaviClustering setCoords(String v) {
        set(columns.coords, v);
        return this;
    }

    public CaviClustering setStation(double latitude, double longitude) {
        set(columns.station, new double[] {latitude, longitude});
        return this;
    }

    public CaviClustering setLatitudeCol(String v) {
        set(columns.latitudeCol, v);
        return this;
    }

    public CaviClustering setLongitudeCol(String v) {
        set(columns.longitudeCol, v);
        return this;
    }

    public CaviClustering setDepthCol(String v) {
        set(columns.depthCol, v);
        return this;
    }

    public CaviClustering setStrength(String v) {
        set(columns.strength, v);
        return this;
    }

    public CaviClustering setStrengthCol(String v) {
        set(columns.strengthCol, v);
        return this;
    }

    public CaviClustering setWeightCol(String v) {
        set(columns.weightCol, v);
        return this;
    }

    public CaviClustering setPredictionCol(String v) {
        set(columns.predictionCol, v);
        return this;
    }

    public CaviClustering setProbabilityCol(String v) {
        set(columns.probabilityCol, v);
        return this;
    }

    public CaviClustering setK(int v) {
        set(k, v);
        return this;
    }

    public CaviClustering setMaxIter(int v) {
        set(maxIter, v);
        return this;
    }

    public CaviClustering setTol(double v) {
        set(tol, v);
        return this;
    }

    public CaviClustering setSeed(long v) {
        set(seed, v);
        return this;
    }

    public CaviClustering setRestarts(int v) {
        set(restarts, v);
        return this;
    }

    public CaviClustering setInit(String v) {
        set(init, v);
        return this;
    }

    public CaviClustering setTau(double v) {
        set(tau, v);
        return this;
    }

    public CaviClustering setRho(double v) {
        set(rho, v);
        return this;
    }

    public CaviClustering setNu(double[] v) {
        set(nu, v);
        return this;
    }

    public CaviClustering setAlpha(double v) {
        set(alpha, v);
        return this;
    }

    public CaviClustering setBeta(double v) {
        set(beta, v);
        return this;
    }

    public CaviClustering setPi(double[] v) {
        set(pi, v);
        return this;
    }

    public CaviClustering setPiPrior(String v) {
        set(piPrior, v);
        return this;
    }

    public CaviClustering setPiConcentration(double v) {
        set(piConcentration, v);
        return this;
    }

    /** The run options the params describe (validated by {@link CaviOptions}). */
    public CaviOptions options() {
        return new CaviOptions((Integer) getOrDefault(k), (Integer) getOrDefault(maxIter), (Double) getOrDefault(tol),
                (Long) getOrDefault(seed), (Integer) getOrDefault(restarts), CaviOptions.parseInit($(init)));
    }

    public HyperparameterSpec hyperparameters() {
        return new HyperparameterSpec(opt(tau), opt(rho), isDefined(nu) ? $(nu) : null, opt(alpha), opt(beta),
                isDefined(pi) ? $(pi) : null, PiPrior.parse($(piPrior)), isSet(piConcentration) ? (Double) $(piConcentration) : null);
    }

    private Double opt(DoubleParam p) {
        return isDefined(p) ? (Double) $(p) : null;
    }

    /**
     * An estimator with a command's run options and hyperparameters (the params {@link #options()} and
     * {@link #hyperparameters()} read back unchanged): how the {@code cavi} command fits.
     */
    public static CaviClustering of(CaviOptions o, HyperparameterSpec h) {
        CaviClustering e = new CaviClustering().setK(o.k()).setMaxIter(o.maxIter()).setTol(o.tol()).setSeed(o.seed())
                .setRestarts(o.restarts()).setInit(o.init().label())
                .setPiPrior(h.piPrior().name().toLowerCase(Locale.ROOT));
        if (h.tau() != null) {
            e.setTau(h.tau());
        }
        if (h.rho() != null) {
            e.setRho(h.rho());
        }
        if (h.nu() != null) {
            e.setNu(h.nu());
        }
        if (h.alpha() != null) {
            e.setAlpha(h.alpha());
        }
        if (h.beta() != null) {
            e.setBeta(h.beta());
        }
        if (h.pi() != null) {
            e.setPi(h.pi());
        }
        if (h.piConcentration() != null) {
            e.setPiConcentration(h.piConcentration());
        }
        return e;
    }

    /**
     * How a catalogue already read, checked and cached as blocks is fitted: its name in the summary, the strength and
     * weight it was read with, an optional warm start (a saved model, named by {@code warmSource}), who hears of each
     * iteration, and when the run began (the summary's seconds count from there).
     */
    public record CatalogueFit(String input, StrengthSpec strength, String weightColumn, CaviModel warm,
                               String warmSource, CaviListener listener, long startNanos) {
    }

    @Override
    public CaviClusteringModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        SparkSession spark = dataset.sparkSession();
        CoordinateSystem cs = columns.coordinateSystem(dataset);
        checkPiLength();
        long t0 = System.nanoTime();
        LoadedCatalogue cat = CatalogueLoader.load(spark, columns.source(dataset, cs),
                new CatalogueLoader.Request("DataFrame " + uid, null, cs, columns.loaderStrength(), columns.loaderWeight(),
                        0, true));
        try {
            return fit(spark, cat, new CatalogueFit("DataFrame " + uid, columns.strengthSpec(), columns.weightColumn(),
                    null, null, CaviListener.NONE, t0));
        } finally {
            cat.release();
        }
    }

    /**
     * The one CAVI fit, behind {@link #fit(Dataset)} and the {@code cavi} command: the restarts on the loaded
     * catalogue's blocks, the best kept, with its summary. The caller releases the catalogue.
     */
    public CaviClusteringModel fit(SparkSession spark, LoadedCatalogue cat, CatalogueFit how) {
        CaviOptions o = options();
        checkPiLength();
        CaviResult result = new CaviEstimator(o, hyperparameters(), how.listener())
                .fit(spark, cat.blocks(), cat.used(), cat.coords(), how.strength(), how.weightColumn(), how.warm());
        String initLabel = how.warm() != null ? "model:" + how.warmSource() : o.init().label();
        CaviSummary summary = CaviSummary.of(result, new CaviSummary.Run(how.input(), cat.records(),
                cat.rejectedByReason(), cat.duplicateIds(), o.seed(), o.restarts(), initLabel, o.maxIter(), o.tol(),
                cat.blocks().getNumPartitions(), (System.nanoTime() - how.startNanos()) / 1e9));
        CaviClusteringModel model = new CaviClusteringModel(uid, result.model(), summary,
                result.clusterEvents().mapSample());
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    private void checkPiLength() {
        HyperparameterSpec spec = hyperparameters();
        if (spec.pi() != null && spec.pi().length != options().k()) {
            throw new IllegalArgumentException("pi has " + spec.pi().length + " weights but k is " + options().k());
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return columns.outputSchema(schema, true);
    }

    @Override
    public CaviClustering copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return DefaultParamsWritable.super.write();
    }

    public static MLReader<CaviClustering> read() {
        return new org.apache.spark.ml.util.DefaultParamsReader<>();
    }

    public static CaviClustering load(String path) {
        return read().load(path);
    }
}
