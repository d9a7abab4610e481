package org.sparkvi.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.FailedCheckException;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.OrderedTreeAggregate;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.OutputRequest;
import org.sparkvi.report.Charts;
import org.sparkvi.io.Json;

/**
 * The three ELBO gradient estimators side by side at points moving from far away (t = 0) to the exact posterior
 * (t = 1) along φ(t) = φ* + (1 − t)(φ_far − φ*), with φ_far = (μ* + 3 s₀, ω* + 1.5): distributed Monte Carlo of
 * each estimator's mean and variance, against the exact gradient.
 */
public final class GradientStudy {
    public static final double[] DEFAULT_T = {0, 0.5, 0.75, 0.9, 0.97, 0.99, 0.999, 1};
    static final double MIN_SD = 1e-10;
    static final double MAX_SD = 1e10;

    private GradientStudy() {
    }

    public record Options(int dim, int dataPoints, double priorSd, double noiseSd, long samples, int partitions, long seed,
                          double[] t) {
        public Options {
            if (dim < 1 || dim > 1000) {
                throw new IllegalArgumentException("--dim must be between 1 and 1000, got " + dim);
            }
            if (dataPoints < 1) {
                throw new IllegalArgumentException("--data-points must be at least 1, got " + dataPoints);
            }
            if (!(priorSd > 0) || !(noiseSd > 0) || !Double.isFinite(priorSd) || !Double.isFinite(noiseSd)) {
                throw new IllegalArgumentException("--prior-sd and --noise-sd must be positive finite numbers");
            }
            // the score function's variance grows like P³s₀⁴D² (P = 1/s₀² + n/σ²): within [1e-10, 1e10] it stays
            // below about 1e140 for any n and D here; at --noise-sd 1e-160, P itself is infinite
            for (String name : new String[] {"--prior-sd", "--noise-sd"}) {
                double v = name.equals("--prior-sd") ? priorSd : noiseSd;
                if (!(v >= MIN_SD && v <= MAX_SD)) {
                    throw new IllegalArgumentException(name + " must lie between 1e-10 and 1e10, got " + v
                            + " (further out, the estimators' variances can overflow double precision)");
                }
            }
            if (samples < 2 || samples > SampleJob.MAX_N) {
                throw new IllegalArgumentException("--samples must be between 2 and " + SampleJob.MAX_N + ", got " + samples);
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
            }
        }
    }

    /** One point of the study. */
    public record Point(double t, double distance, double[] mu, double[] omega, double elbo, double[] exactGradient,
                        Map<String, Map<String, Object>> estimators) {
    }

    public record Report(Map<String, Object> target, long samplesPerPoint, long seed, int partitions, List<Point> points,
                         double seconds) {
    }

    public static double[][] point(ConjugateGaussianTarget target, double priorSd, double t) {
        int d = target.dim();
        double[] star = target.posteriorMean();
        double omegaStar = -0.5 * Math.log(target.posteriorPrecision());
        double[] mu = new double[d];
        double[] omega = new double[d];
        for (int j = 0; j < d; j++) {
            mu[j] = star[j] + (1 - t) * 3 * priorSd;
            omega[j] = omegaStar + (1 - t) * 1.5;
        }
        return new double[][] {mu, omega};
    }

    public static EstimatorMoments estimate(SparkSession spark, ConjugateGaussianTarget target, double[] mu, double[] omega,
                                            long samples, int partitions, long seed, String label) {
        List<long[]> ranges = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ranges.add(new long[] {samples * p / partitions, samples * (p + 1) / partitions});
        }
        JavaRDD<long[]> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ranges, partitions);
        int params = 2 * target.dim();
        return SparkSessions.describe(spark, "Gradient estimators: " + samples + " Monte Carlo samples at " + label,
                () -> OrderedTreeAggregate.aggregate(rdd, () -> new EstimatorMoments(params), (acc, r) -> {
                    FaultInjection.maybeFail("gradient estimators");
                    return acc.addRange(target, mu, omega, seed, r[0], r[1]);
                }, EstimatorMoments::merge, 64));
    }

    /**
     * One estimator's mean and variance per parameter, their total, and the largest |z| of a mean against the exact
     * gradient (the score term against 0). A NaN or infinite mean or variance makes that z NaN, and so the maximum:
     * it must not read as 0.00, a pass.
     */
    static Map<String, Object> estimator(EstimatorMoments m, int e, double[] exact) {
        double[] mean = new double[exact.length];
        double[] var = new double[exact.length];
        double total = 0;
        double maxZ = 0;
        for (int p = 0; p < exact.length; p++) {
            mean[p] = m.mean(e, p);
            var[p] = m.variance(e, p);
            total += var[p];
            double target0 = e == 3 ? 0 : exact[p]; // the score term's mean is zero
            double se = Math.sqrt(var[p] / m.count());
            if (!Double.isFinite(mean[p]) || !Double.isFinite(se) || !Double.isFinite(target0)) {
                maxZ = Double.NaN; // Math.max keeps a NaN
            } else if (se > 1e-10 * (1 + Math.abs(target0))) {
                // an estimator with no variance beyond round-off (STL at the optimum) has no z: it is exact
                maxZ = Math.max(maxZ, Math.abs(mean[p] - target0) / se);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mean", mean);
        r.put("variance", var);
        r.put("total_variance", total);
        r.put("max_abs_z", maxZ);
        return r;
    }

    /** "t = T: name = value" for every NaN or infinite number of the report's points. */
    static List<String> nonFinite(List<Point> points) {
        List<String> bad = new ArrayList<>();
        for (Point p : points) {
            Map<String, Object> numbers = new LinkedHashMap<>();
            numbers.put("distance", p.distance());
            numbers.put("elbo", p.elbo());
            numbers.put("exact_gradient", p.exactGradient());
            numbers.putAll(p.estimators());
            for (String b : SampleReport.nonFinite(numbers)) {
                bad.add("t = " + p.t() + ": " + b);
            }
        }
        return bad;
    }

    public static Report run(SparkSession spark, Options o, OutputRequest output) {
        long t0 = System.nanoTime();
        ConjugateGaussianTarget target = ConjugateGaussianTarget.sampled(o.dim(), o.dataPoints(), o.priorSd(), o.noiseSd(), o.seed());
        List<Point> points = new ArrayList<>();
        for (double t : o.t()) {
            double[][] phi = point(target, o.priorSd(), t);
            EstimatorMoments m = estimate(spark, target, phi[0], phi[1], o.samples(), o.partitions(), o.seed() + 1,
                    String.format(Locale.ROOT, "t = %.3f", t));
            double[] exact = target.elboGradient(phi[0], phi[1]);
            Map<String, Map<String, Object>> est = new LinkedHashMap<>();
            for (int e = 0; e < GradientEstimators.NAMES.length; e++) {
                est.put(GradientEstimators.NAMES[e], estimator(m, e, exact));
            }
            double distance = 0;
            double[][] star = point(target, o.priorSd(), 1);
            for (int j = 0; j < o.dim(); j++) {
                distance += Math.pow(phi[0][j] - star[0][j], 2) + Math.pow(phi[1][j] - star[1][j], 2);
            }
            points.add(new Point(t, Math.sqrt(distance), phi[0], phi[1], target.elbo(phi[0], phi[1]), exact, est));
        }
        Map<String, Object> tg = new LinkedHashMap<>();
        tg.put("dim", o.dim());
        tg.put("data_points", o.dataPoints());
        tg.put("prior_sd", o.priorSd());
        tg.put("noise_sd", o.noiseSd());
        tg.put("posterior_precision", target.posteriorPrecision());
        tg.put("posterior_mean", target.posteriorMean());
        Report report = new Report(tg, o.samples(), o.seed(), o.partitions(), points, (System.nanoTime() - t0) / 1e9);
        List<String> bad = nonFinite(points);
        if (!bad.isEmpty()) {
            System.out.print(table(report));
            throw new FailedCheckException("the report has NaN or infinite statistics: " + String.join(", ",
                    bad.subList(0, Math.min(8, bad.size()))) + (bad.size() > 8 ? " and " + (bad.size() - 8) + " more" : "")
                    + "; " + output.path() + " was left as it was");
        }
        try (AtomicOutput out = new AtomicOutput(output, spark.sparkContext().hadoopConfiguration())) {
            out.writeString("report.json", Json.write(report));
            out.writeBytes("variance.png", plot(report));
            out.commit();
            System.out.print(table(report));
            System.out.println("outputs in " + out.target());
        }
        return report;
    }

    static byte[] plot(Report r) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (int e = 0; e < 3; e++) {
            double[] x = new double[r.points().size()];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                Point p = r.points().get(i);
                x[i] = p.distance();
                y[i] = (double) p.estimators().get(GradientEstimators.NAMES[e]).get("total_variance");
            }
            series.put(GradientEstimators.NAMES[e].replace('_', ' '), new double[][] {x, y});
        }
        var chart = Charts.lineChart("Variance of ELBO gradient estimators (sum over " + 2 * (int) r.target().get("dim")
                + " parameters), D = " + r.target().get("dim"), "distance of q from the exact posterior, ||phi - phi*||",
                "variance (log scale)", series, true, true);
        return Charts.png(chart, 950, 600);
    }

    static String table(Report r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "ELBO gradient estimators, %d Monte Carlo samples per point, D = %s, target precision %.4g%n",
                r.samplesPerPoint(), r.target().get("dim"), (double) r.target().get("posterior_precision")));
        b.append(String.format(Locale.ROOT, "%7s %9s %14s %14s %14s %10s %12s%n", "t", "distance", "var score-fn",
                "var reparam", "var STL", "max |z|", "score term z"));
        for (Point p : r.points()) {
            double maxZ = 0;
            for (int e = 0; e < 3; e++) {
                maxZ = Math.max(maxZ, (double) p.estimators().get(GradientEstimators.NAMES[e]).get("max_abs_z"));
            }
            b.append(String.format(Locale.ROOT, "%7.3f %9.4f %14.6g %14.6g %14.6g %10.2f %12.2f%n", p.t(), p.distance(),
                    (double) p.estimators().get("score_function").get("total_variance"),
                    (double) p.estimators().get("reparameterization").get("total_variance"),
                    (double) p.estimators().get("sticking_the_landing").get("total_variance"), maxZ,
                    (double) p.estimators().get("score_term").get("max_abs_z")));
        }
        return b.toString();
    }
}
