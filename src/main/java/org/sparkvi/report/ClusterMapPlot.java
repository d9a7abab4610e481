package org.sparkvi.report;

import java.util.List;

/** TEMPORARY placeholder until the io branch lands the real map. */
public final class ClusterMapPlot {
    private ClusterMapPlot() {
    }

    public static byte[] render(String title, double[] longitude, double[] latitude, int[] cluster, List<ClusterMarker> markers,
                                int widthPx, int heightPx) {
        java.util.Map<String, double[][]> s = new java.util.LinkedHashMap<>();
        s.put("events", new double[][] {longitude, latitude});
        return Charts.png(Charts.lineChart(title, "longitude", "latitude", s, false, true), widthPx, heightPx);
    }
}
