package org.sparkvi.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.cli.FaultInjection;
import org.sparkvi.cli.OrderedTreeAggregate;
import org.sparkvi.cli.SparkSessions;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.OutputRequest;
import org.sparkvi.report.Charts;
import org.sparkvi.report.Json;

/**
 * The three ELBO gradient estimators side by side at points moving from far away (t = 0) to the exact posterior
 * (t = 1) along φ(t) = φ* + (1 − t)(φ_far − φ*), with φ_far = (μ* + 3 s₀, ω* + 1.5): distributed Monte Carlo of
 * each estimator's mean and variance, against the exact gradient.
 */
public final class GradientStudy {
    public static final double[] DEFAULT_T = {0, 0.5, 0.75, 0.9, 0.97, 0.99, 0.999, 1};

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
                    // an estimator with no variance beyond round-off (STL at the optimum) has no z: it is exact
                    if (se > 1e-10 * (1 + Math.abs(target0))) {
                        maxZ = Math.max(maxZ, Math.abs(mean[p] - target0) / se);
                    }
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("mean", mean);
                r.put("variance", var);
                r.put("total_variance", total);
                r.put("max_abs_z", maxZ);
                est.put(GradientEstimators.NAMES[e], r);
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
