package org.sparkvi.cavi;

import java.io.Serializable;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.random.CounterRandom;

/**
 * Events to draw on the map: longitude, latitude and most likely cluster of about {@link #EVENTS} events, chosen by
 * a counter-based uniform of their index, in catalogue order (the same events in the same order whatever the
 * partitioning, so the same picture).
 * Taken by the final E-step ({@link ClusterEvents}), which computes every event's responsibilities anyway.
 */
public record MapSample(double[] longitude, double[] latitude, int[] cluster) implements Serializable {
    /** How many events the map shows, about. */
    public static final int EVENTS = 50_000;

    /**
     * Which events the sample keeps: those whose uniform (seed, stream 99, index) is at most {@code keep} = limit /
     * events used, with a latitude and longitude (kept by the block, or given back by the coordinates).
     */
    public record Rule(double keep, long seed, CoordinateSystem coords) implements Serializable {
        public static Rule of(long used, int limit, long seed, CoordinateSystem coords) {
            return new Rule(Math.min(1.0, (double) limit / Math.max(1, used)), seed, coords);
        }

        boolean covers(EventBlock b) {
            return b.latitude != null || coords.recoversLatLon();
        }

        boolean keeps(EventBlock b, int n) {
            return CounterRandom.uniform(seed, 99, b.index[n]) <= keep;
        }

        /** {latitude, longitude} of event n, or null. */
        double[] latLon(EventBlock b, int n) {
            return b.latitude != null ? new double[] {b.latitude[n], b.longitude[n]} : coords.toLatLon(b.location(n));
        }
    }
}
