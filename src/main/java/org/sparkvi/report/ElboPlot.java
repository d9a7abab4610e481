package org.sparkvi.report;

/** TEMPORARY placeholder until the io branch lands the real plot. */
public final class ElboPlot {
    private ElboPlot() {
    }

    public static byte[] render(double[] elboTrace, String title) {
        double[] it = new double[elboTrace.length];
        for (int i = 0; i < it.length; i++) {
            it[i] = i + 1;
        }
        return Charts.png(Charts.lineChart(title, "iteration", "ELBO", java.util.Map.of("ELBO", new double[][] {it, elboTrace}),
                false, true), 900, 500);
    }
}
