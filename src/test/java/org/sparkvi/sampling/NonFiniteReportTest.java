package org.sparkvi.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A NaN or infinite statistic is reported as a failure, never as a z of 0.00. */
class NonFiniteReportTest {

    @Test
    void aSampleReportListsItsNonFiniteNumbersAndSaysItFailed() {
        Law law = new Law.Normal(0, 1);
        SampleSummary s = new SampleSummary(law, 10);
        for (double x : new double[] {0.5, -0.3, Double.POSITIVE_INFINITY}) {
            s.direct.add(x); // the mean becomes ∞ and the sum of squares ∞ · (∞ − ∞) = NaN
        }
        for (double x : new double[] {0.5, -0.3, 0.1}) {
            s.reparameterized.add(x);
        }
        double[] ks = {0.5, -0.3, 0.1};
        SampleReport r = SampleReport.continuous(law, 3, 1, 1, s, ks, ks, 0);
        assertEquals(List.of("mean.direct = Infinity", "mean.direct_z = Infinity", "variance.direct = NaN",
                "variance.direct_z = NaN"), r.nonFinite());
        assertTrue(r.text().endsWith("FAILED: NaN or infinite: mean.direct = Infinity, mean.direct_z = Infinity, "
                + "variance.direct = NaN, variance.direct_z = NaN" + System.lineSeparator()), r.text());
    }

    @Test
    void aFiniteSampleReportHasNothingToList() {
        Law law = new Law.Exponential(2);
        SampleSummary s = new SampleSummary(law, 10);
        s.addRange(new Draws(law, 4), 0, 1000, 0);
        Draws d = new Draws(law, 4);
        double[] a = new double[1000];
        double[] b = new double[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = d.directContinuous(i);
            b[i] = d.reparameterizedContinuous(i);
        }
        SampleReport r = SampleReport.continuous(law, 1000, 4, 1, s, a, b, 0);
        assertEquals(List.of(), r.nonFinite());
        assertTrue(!r.text().contains("FAILED"), r.text());
    }

    @Test
    void aNaNVarianceMakesTheGradientZScoreNaNNotZero() {
        EstimatorMoments m = new EstimatorMoments(2);
        for (int e = 0; e < GradientEstimators.NAMES.length; e++) {
            for (int p = 0; p < 2; p++) {
                for (double x : new double[] {1, 2, 4}) {
                    m.m[e][p].add(e == 0 && p == 1 && x == 4 ? Double.NaN : x);
                }
            }
        }
        double[] exact = {2.5, 2.5};
        Map<String, Object> bad = GradientStudy.estimator(m, 0, exact);
        assertTrue(Double.isNaN((double) bad.get("max_abs_z")), "max |z| " + bad.get("max_abs_z"));
        Map<String, Object> good = GradientStudy.estimator(m, 1, exact);
        // mean 7/3 against 2.5, standard error √(7/3 / 3): |z| = 0.189
        assertEquals(Math.abs(7.0 / 3 - 2.5) / Math.sqrt(7.0 / 9), (double) good.get("max_abs_z"), 1e-12);
        Map<String, Map<String, Object>> estimators = new java.util.LinkedHashMap<>();
        for (int e = 0; e < GradientEstimators.NAMES.length; e++) {
            estimators.put(GradientEstimators.NAMES[e], GradientStudy.estimator(m, e, exact));
        }
        GradientStudy.Point point = new GradientStudy.Point(0.5, 1, new double[] {0}, new double[] {0}, -3, exact,
                estimators);
        assertEquals(List.of("t = 0.5: score_function.max_abs_z = NaN", "t = 0.5: score_function.mean[1] = NaN",
                "t = 0.5: score_function.total_variance = NaN", "t = 0.5: score_function.variance[1] = NaN"),
                GradientStudy.nonFinite(List.of(point)));
        String table = GradientStudy.table(new GradientStudy.Report(Map.of("dim", 1, "posterior_precision", 1.0), 3, 1,
                1, List.of(point), 0));
        String[] row = table.strip().lines().reduce((a, b) -> b).orElseThrow().trim().split("\\s+");
        assertEquals("NaN", row[5], "the max |z| column: " + table);
    }
}
