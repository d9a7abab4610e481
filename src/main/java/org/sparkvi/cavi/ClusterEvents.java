package org.sparkvi.cavi;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per cluster, over the final responsibilities: the expected count N_k = Σ w r_nk, and over the events whose most
 * likely cluster it is, their number, first and last times and largest event (by magnitude; ties to the earlier).
 * Also, when asked for, the events of a {@link MapSample} with their most likely cluster, taken in the same pass.
 * A per-partition aggregator like {@link SufficientStatistics}.
 */
public final class ClusterEvents implements Serializable {
    private static final long serialVersionUID = 1L;

    final int k;
    final double[] expectedCount;
    final long[] events;
    final long[] timeStart;
    final long[] timeEnd;
    final double[] largestMag;
    final String[] largestId;
    final long[] largestTime;
    /** The map sample's rule (null: none): events kept by a counter-based uniform of their index, see MapSample. */
    private final MapSample.Rule sampling;
    private double[] sampleLon = new double[0];
    private double[] sampleLat = new double[0];
    private int[] sampleCluster = new int[0];
    private long[] sampleIndex = new long[0];
    private int sampled;

    public ClusterEvents(int k) {
        this(k, null);
    }

    public ClusterEvents(int k, MapSample.Rule sampling) {
        this.k = k;
        this.sampling = sampling;
        expectedCount = new double[k];
        events = new long[k];
        timeStart = new long[k];
        timeEnd = new long[k];
        largestMag = new double[k];
        largestId = new String[k];
        largestTime = new long[k];
        Arrays.fill(timeStart, Long.MAX_VALUE);
        Arrays.fill(timeEnd, Long.MIN_VALUE);
        Arrays.fill(largestMag, Double.NaN);
        Arrays.fill(largestTime, Long.MIN_VALUE);
    }

    /** The most likely cluster of a responsibility vector (ties to the lower label). */
    public static int argmax(double[] r) {
        return argmax(r, 1, 0, r.length);
    }

    /** The most likely of k clusters whose responsibilities are {@code v[c * stride + at]} (ties to the lower label). */
    static int argmax(double[] v, int stride, int at, int k) {
        int best = 0;
        double top = v[at];
        for (int c = 1; c < k; c++) {
            double x = v[c * stride + at];
            if (x > top) {
                top = x;
                best = c;
            }
        }
        return best;
    }

    /** Adds a block's events, reading each one's responsibilities where the E-step's chunk holds them (no copy). */
    public ClusterEvents add(EventBlock b, ResponsibilityKernel kernel) {
        BlockResponsibilities responsibilities = new BlockResponsibilities(kernel);
        boolean sample = sampling != null && sampling.covers(b);
        for (int n = 0; n < b.size; ) {
            int run = responsibilities.load(b, n);
            double[] v = responsibilities.values;
            int stride = responsibilities.stride;
            int at = responsibilities.offset;
            for (int i = 0; i < run; i++, n++) {
                double w = b.weight(n);
                for (int j = 0; j < k; j++) {
                    expectedCount[j] += w * v[j * stride + at + i];
                }
                int c = argmax(v, stride, at + i, k);
                events[c]++;
                if (sample && sampling.keeps(b, n)) {
                    addToSample(b, n, c);
                }
                long t = b.timeMillis == null ? Long.MIN_VALUE : b.timeMillis[n];
                if (t != Long.MIN_VALUE) {
                    timeStart[c] = Math.min(timeStart[c], t);
                    timeEnd[c] = Math.max(timeEnd[c], t);
                }
                double mag = b.mag == null ? Double.NaN : b.mag[n];
                // the id is decoded only for a new largest event (or a tie), not for every event
                if (!Double.isNaN(mag) && (Double.isNaN(largestMag[c]) || mag >= largestMag[c])) {
                    offerLargest(c, mag, b.idOf(n), t);
                }
            }
        }
        return this;
    }

    private void addToSample(EventBlock b, int n, int c) {
        double[] latLon = sampling.latLon(b, n);
        if (latLon == null || Double.isNaN(latLon[0])) {
            return;
        }
        if (sampled == sampleLon.length) {
            resizeSample(Math.max(16, 2 * sampled));
        }
        sampleLon[sampled] = latLon[1];
        sampleLat[sampled] = latLon[0];
        sampleCluster[sampled] = c;
        sampleIndex[sampled] = b.index[n];
        sampled++;
    }

    /** The sample's arrays with room for {@code capacity} events (the first {@link #sampled} kept). */
    private void resizeSample(int capacity) {
        sampleLon = Arrays.copyOf(sampleLon, capacity);
        sampleLat = Arrays.copyOf(sampleLat, capacity);
        sampleCluster = Arrays.copyOf(sampleCluster, capacity);
        sampleIndex = Arrays.copyOf(sampleIndex, capacity);
    }

    /**
     * The map's events in catalogue order (by index: the same order, so the same picture, whatever the partitioning),
     * or null if not asked for.
     */
    public MapSample mapSample() {
        if (sampling == null) {
            return null;
        }
        Integer[] order = new Integer[sampled];
        for (int i = 0; i < sampled; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(sampleIndex[a], sampleIndex[b]));
        MapSample s = new MapSample(new double[sampled], new double[sampled], new int[sampled]);
        for (int i = 0; i < sampled; i++) {
            s.longitude()[i] = sampleLon[order[i]];
            s.latitude()[i] = sampleLat[order[i]];
            s.cluster()[i] = sampleCluster[order[i]];
        }
        return s;
    }

    private void offerLargest(int c, double mag, String id, long time) {
        if (Double.isNaN(mag)) {
            return;
        }
        boolean better = Double.isNaN(largestMag[c]) || mag > largestMag[c]
                || (mag == largestMag[c] && (time < largestTime[c] || (time == largestTime[c] && id.compareTo(largestId[c]) < 0)));
        if (better) {
            largestMag[c] = mag;
            largestId[c] = id;
            largestTime[c] = time;
        }
    }

    public ClusterEvents merge(ClusterEvents o) {
        for (int c = 0; c < k; c++) {
            expectedCount[c] += o.expectedCount[c];
            events[c] += o.events[c];
            timeStart[c] = Math.min(timeStart[c], o.timeStart[c]);
            timeEnd[c] = Math.max(timeEnd[c], o.timeEnd[c]);
            offerLargest(c, o.largestMag[c], o.largestId[c], o.largestTime[c]);
        }
        if (o.sampled > 0) {
            int n = sampled + o.sampled;
            resizeSample(n);
            System.arraycopy(o.sampleIndex, 0, sampleIndex, sampled, o.sampled);
            System.arraycopy(o.sampleLon, 0, sampleLon, sampled, o.sampled);
            System.arraycopy(o.sampleLat, 0, sampleLat, sampled, o.sampled);
            System.arraycopy(o.sampleCluster, 0, sampleCluster, sampled, o.sampled);
            sampled = n;
        }
        return this;
    }

    public double expectedCount(int c) {
        return expectedCount[c];
    }

    public long events(int c) {
        return events[c];
    }

    /** Epoch ms, or null when no event of the cluster had a time. */
    public Long timeStart(int c) {
        return timeStart[c] == Long.MAX_VALUE ? null : timeStart[c];
    }

    public Long timeEnd(int c) {
        return timeEnd[c] == Long.MIN_VALUE ? null : timeEnd[c];
    }

    public Double largestMag(int c) {
        return Double.isNaN(largestMag[c]) ? null : largestMag[c];
    }

    public String largestId(int c) {
        return largestId[c];
    }

    public Long largestTime(int c) {
        return largestTime[c] == Long.MIN_VALUE ? null : largestTime[c];
    }
}
