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

    static double of(java.util.List<Double> v) {
        return of(v.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
