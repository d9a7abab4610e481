package org.sparkvi.cavi;

import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.random.CounterRandom;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * Events to draw on the map: longitude, latitude and most likely cluster of at most {@code limit} events, chosen by
 * a counter-based uniform of their index (the same events whatever the partitioning).
 */
public record MapSample(double[] longitude, double[] latitude, int[] cluster) implements Serializable {

    public static MapSample of(JavaRDD<EventBlock> blocks, CaviModel model, long total, int limit, long seed) {
        ResponsibilityKernel kernel = model.kernel();
        CoordinateSystem coords = model.coords();
        double keep = Math.min(1.0, (double) limit / Math.max(1, total));
        List<double[]> rows = blocks.flatMap(b -> {
            List<double[]> out = new ArrayList<>();
            if (b.latitude == null && !coords.recoversLatLon()) {
                return out.iterator();
            }
            for (int n = 0; n < b.size; n++) {
                if (CounterRandom.uniform(seed, 99, b.index[n]) > keep) {
                    continue;
                }
                // kept by the block, or given back by the coordinates (the block keeps them only where they are not)
                double[] latLon = b.latitude != null ? new double[] {b.latitude[n], b.longitude[n]}
                        : coords.toLatLon(b.location(n));
                if (latLon == null || Double.isNaN(latLon[0])) {
                    continue;
                }
                out.add(new double[] {latLon[1], latLon[0], ClusterEvents.argmax(kernel.responsibilities(b, n))});
            }
            return out.iterator();
        }).collect();
        double[] lon = new double[rows.size()];
        double[] lat = new double[rows.size()];
        int[] cl = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            lon[i] = rows.get(i)[0];
            lat[i] = rows.get(i)[1];
            cl[i] = (int) rows.get(i)[2];
        }
        return new MapSample(lon, lat, cl);
    }
}
