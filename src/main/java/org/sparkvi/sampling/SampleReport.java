package org.sparkvi.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * report.json of a sample run: the sample mean and variance of each way against the exact values (with z-scores
 * from the sampling error), Kolmogorov–Smirnov tests (two-sample, and each way against the exact CDF, on the first
 * {@code ks_sample_size} indices) for continuous laws; χ² tests of each way's counts against π for Categorical.
 * {@code skipped} names each test that too few draws cannot support, with the reason (the samples are still
 * written). {@code non_finite} lists every number of the report that is NaN or infinite: any there means the check
 * failed (a NaN z-score must never read as a pass).
 */
public record SampleReport(String law, Map<String, Object> parameters, long n, long seed, int partitions,
                           Map<String, Object> mean, Map<String, Object> variance, Map<String, Object> ks,
                           Map<String, Object> chi2, Map<String, Object> frequencies, Map<String, String> skipped,
                           double seconds, List<String> nonFinite) {
    /** Fewer draws than this leave no sample variance (it divides by n − 1) and no KS test (commons-math needs 2). */
    static final int MIN_DRAWS = 2;
    /** Cochran's rule: the χ² approximation of the statistic's law needs an expected count of 5 in every category. */
    static final double MIN_EXPECTED = 5;

    public static RealDistribution exact(Law law) {
        if (law instanceof Law.Exponential e) {
            return new ExponentialDistribution(null, 1 / e.rate(), ExponentialDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
        }
        Law.Normal nl = (Law.Normal) law;
        return new NormalDistribution(null, nl.mean(), nl.std(), NormalDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
    }

    public static Map<String, Object> parameters(Law law) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (law instanceof Law.Exponential e) {
            p.put("rate", e.rate());
        } else if (law instanceof Law.Normal nl) {
            p.put("mean", nl.mean());
            p.put("std", nl.std());
        } else if (law instanceof Law.Categorical c) {
            p.put("probs", c.probs());
            p.put("temperature", c.temperature());
        }
        return p;
    }

    /** A continuous law's report; {@code direct} and {@code reparameterized} are the KS samples (the first indices). */
    public static SampleReport continuous(Law law, long n, long seed, int partitions, SampleSummary s, double[] direct,
                                          double[] reparameterized, double seconds) {
        RealDistribution d = exact(law);
        double mean = d.getNumericalMean();
        double var = d.getNumericalVariance();
        // the variance of the sample variance: (μ4 − σ⁴)/n, μ4 = 9σ⁴ (Exponential) or 3σ⁴ (Normal)
        double kurtosis = law instanceof Law.Exponential ? 9 : 3;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exact", mean);
        m.put("direct", s.direct.mean());
        m.put("reparameterized", s.reparameterized.mean());
        m.put("direct_z", (s.direct.mean() - mean) / Math.sqrt(var / n));
        m.put("reparameterized_z", (s.reparameterized.mean() - mean) / Math.sqrt(var / n));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("exact", var);
        Map<String, String> skipped = new LinkedHashMap<>();
        if (n >= MIN_DRAWS) {
            v.put("direct", s.direct.variance());
            v.put("reparameterized", s.reparameterized.variance());
            double sdVar = var * Math.sqrt((kurtosis - 1) / n); // σ² √((κ − 1)/n): σ⁴ itself may overflow
            v.put("direct_z", (s.direct.variance() - var) / sdVar);
            v.put("reparameterized_z", (s.reparameterized.variance() - var) / sdVar);
        } else {
            skipped.put("variance", "the sample variance needs at least " + MIN_DRAWS + " draws each way, got " + n);
        }
        Map<String, Object> k = null;
        if (direct.length >= MIN_DRAWS) {
            KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
            k = new LinkedHashMap<>();
            k.put("sample_size", direct.length);
            k.put("two_sample", test(ks.kolmogorovSmirnovStatistic(direct, reparameterized),
                    ks.kolmogorovSmirnovTest(direct, reparameterized)));
            k.put("direct_vs_exact", test(ks.kolmogorovSmirnovStatistic(d, direct), ks.kolmogorovSmirnovTest(d, direct)));
            k.put("reparameterized_vs_exact", test(ks.kolmogorovSmirnovStatistic(d, reparameterized),
                    ks.kolmogorovSmirnovTest(d, reparameterized)));
        } else {
            skipped.put("ks", "the Kolmogorov-Smirnov tests need at least " + MIN_DRAWS + " draws each way, got "
                    + direct.length);
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("mean", m);
        numbers.put("variance", v);
        numbers.put("ks", k);
        return new SampleReport(law.name(), parameters(law), n, seed, partitions, m, v, k, null, null,
                skipped.isEmpty() ? null : skipped, seconds, nonFinite(numbers));
    }

    public static SampleReport categorical(Law.Categorical law, long n, long seed, int partitions, SampleSummary s,
                                           double seconds) {
        double[] p = law.probs();
        double fewest = Double.POSITIVE_INFINITY; // the smallest expected count n·π_k over the categories with π_k > 0
        for (double pk : p) {
            if (pk > 0) {
                fewest = Math.min(fewest, n * pk);
            }
        }
        Map<String, String> skipped = null;
        boolean enough = fewest >= MIN_EXPECTED;
        if (!enough) {
            skipped = Map.of("chi2", String.format(Locale.ROOT, "the chi-square tests need an expected count n*pi of at "
                    + "least %.0f in every category, the smallest is %.4g (n = %d); draws in zero-probability categories "
                    + "are still counted", MIN_EXPECTED, fewest, n));
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("direct", chi2(p, s.directCounts, enough));
        c.put("gumbel_max", chi2(p, s.gumbelCounts, enough));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("pi", p);
        f.put("direct", frequencies(s.directCounts, n));
        f.put("gumbel_max", frequencies(s.gumbelCounts, n));
        double[] relaxedMean = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            relaxedMean[i] = s.relaxedSum[i] / n;
        }
        f.put("gumbel_softmax_mean", relaxedMean);
        return new SampleReport(law.name(), parameters(law), n, seed, partitions, null, null, null, c, f, skipped,
                seconds, nonFinite(Map.of("chi2", c, "frequencies", f)));
    }

    /** "section.key = value" for every NaN or infinite number in the sections (nested maps and arrays too), sorted. */
    static List<String> nonFinite(Map<String, Object> sections) {
        List<String> bad = new ArrayList<>();
        sections.forEach((name, value) -> collect(name, value, bad));
        bad.sort(null);
        return bad;
    }

    private static void collect(String name, Object value, List<String> bad) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            bad.add(name + " = " + d);
        } else if (value instanceof double[] a) {
            for (int i = 0; i < a.length; i++) {
                if (!Double.isFinite(a[i])) {
                    bad.add(name + "[" + i + "] = " + a[i]);
                }
            }
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collect(name + "." + k, v, bad));
        }
    }

    private static Map<String, Object> test(double statistic, double p) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("statistic", statistic);
        t.put("p_value", p);
        return t;
    }

    /**
     * χ² of the counts against n·π over the categories with π > 0 (a draw in a zero-probability category fails
     * outright); without {@code enough} draws for the test, only that count.
     */
    static Map<String, Object> chi2(double[] p, long[] counts, boolean enough) {
        int positive = 0;
        long impossible = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                positive++;
            } else {
                impossible += counts[i];
            }
        }
        double[] expected = new double[positive];
        long[] observed = new long[positive];
        for (int i = 0, j = 0; i < p.length; i++) {
            if (p[i] > 0) {
                expected[j] = p[i];
                observed[j++] = counts[i];
            }
        }
        Map<String, Object> t = new LinkedHashMap<>();
        if (!enough) {
            t.put("draws_in_zero_probability_categories", impossible);
            return t;
        }
        if (positive < 2) {
            t.put("statistic", 0.0);
            t.put("df", 0);
            t.put("p_value", impossible == 0 ? 1.0 : 0.0);
        } else {
            ChiSquareTest test = new ChiSquareTest();
            t.put("statistic", test.chiSquare(expected, observed));
            t.put("df", positive - 1);
            t.put("p_value", impossible == 0 ? test.chiSquareTest(expected, observed) : 0.0);
        }
        t.put("draws_in_zero_probability_categories", impossible);
        return t;
    }

    private static double[] frequencies(long[] counts, long n) {
        double[] f = new double[counts.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (double) counts[i] / n;
        }
        return f;
    }

    /** The printed form. */
    public String text() {
        StringBuilder params = new StringBuilder();
        parameters.forEach((key, value) -> params.append(params.length() == 0 ? "" : ", ").append(key).append('=')
                .append(value instanceof double[] a ? java.util.Arrays.toString(a) : value));
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s(%s): %d draws each way, seed %d, %d partitions, %.1f s%n",
                law, params, n, seed, partitions, seconds));
        if (mean != null) {
            b.append(String.format(Locale.ROOT, "mean      exact %.7g  direct %.7g (z %.2f)  reparameterized %.7g (z %.2f)%n",
                    mean.get("exact"), mean.get("direct"), mean.get("direct_z"), mean.get("reparameterized"),
                    mean.get("reparameterized_z")));
            if (variance.containsKey("direct")) {
                b.append(String.format(Locale.ROOT, "variance  exact %.7g  direct %.7g (z %.2f)  reparameterized %.7g (z %.2f)%n",
                        variance.get("exact"), variance.get("direct"), variance.get("direct_z"),
                        variance.get("reparameterized"), variance.get("reparameterized_z")));
            }
            for (String key : ks == null ? new String[0] : new String[] {"two_sample", "direct_vs_exact", "reparameterized_vs_exact"}) {
                @SuppressWarnings("unchecked")
                Map<String, Object> t = (Map<String, Object>) ks.get(key);
                b.append(String.format(Locale.ROOT, "KS %-25s D = %.5f  p = %.4f  (first %s draws)%n", key,
                        t.get("statistic"), t.get("p_value"), ks.get("sample_size")));
            }
        } else {
            for (String key : new String[] {"direct", "gumbel_max"}) {
                @SuppressWarnings("unchecked")
                Map<String, Object> t = (Map<String, Object>) chi2.get(key);
                String freq = java.util.Arrays.toString((double[]) frequencies.get(key));
                b.append(t.containsKey("statistic") ? String.format(Locale.ROOT, "chi2 %-10s = %.3f  df %s  p = %.4f  "
                        + "frequencies %s%n", key, t.get("statistic"), t.get("df"), t.get("p_value"), freq)
                        : String.format(Locale.ROOT, "%-17s  draws in zero-probability categories %s  frequencies %s%n",
                        key, t.get("draws_in_zero_probability_categories"), freq));
            }
            b.append("pi                    ").append(java.util.Arrays.toString((double[]) frequencies.get("pi")))
                    .append(System.lineSeparator());
            b.append("gumbel-softmax mean   ").append(java.util.Arrays.toString((double[]) frequencies.get("gumbel_softmax_mean")))
                    .append(System.lineSeparator());
        }
        if (skipped != null) {
            skipped.forEach((name, why) -> b.append("skipped ").append(name).append(": ").append(why)
                    .append(System.lineSeparator()));
        }
        if (!nonFinite.isEmpty()) {
            b.append("FAILED: NaN or infinite: ").append(String.join(", ", nonFinite)).append(System.lineSeparator());
        }
        return b.toString();
    }
}
