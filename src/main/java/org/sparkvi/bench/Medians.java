package org.sparkvi.bench;

import java.util.Arrays;

/** The median the benchmarks report. */
final class Medians {
    private Medians() {
    }

    static double of(double[] v) {
        double[] a = v.clone();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    /**
     * The median run of several, each a row of figures with the rate first: the run whose rate is the median (the upper
     * one of an even count), so that its other figures belong to that same run.
     */
    static double[] run(double[][] runs) {
        double[][] sorted = runs.clone();
        Arrays.sort(sorted, (a, b) -> Double.compare(a[0], b[0]));
        return sorted[sorted.length / 2];
    }

    static double of(java.util.List<Double> v) {
        return of(v.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
