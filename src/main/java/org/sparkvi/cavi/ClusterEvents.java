package org.sparkvi.cavi;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per cluster, over the final responsibilities: the expected count N_k = Σ w r_nk, and over the events whose most
 * likely cluster it is, their number, first and last times and largest event (by magnitude; ties to the earlier).
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

    public ClusterEvents(int k) {
        this.k = k;
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
        int best = 0;
        for (int c = 1; c < r.length; c++) {
            if (r[c] > r[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Adds a block's events, reading each one's responsibilities where the E-step's chunk holds them (no copy). */
    public ClusterEvents add(EventBlock b, ResponsibilityKernel kernel) {
        BlockResponsibilities responsibilities = new BlockResponsibilities(kernel);
        for (int n = 0; n < b.size; ) {
            int run = responsibilities.load(b, n);
            double[] v = responsibilities.values;
            int stride = responsibilities.stride;
            int at = responsibilities.offset;
            for (int i = 0; i < run; i++, n++) {
                double w = b.weight(n);
                int c = 0; // the most likely cluster: ties to the lower label, as argmax
                double top = v[at + i];
                for (int j = 0; j < k; j++) {
                    double r = v[j * stride + at + i];
                    expectedCount[j] += w * r;
                    if (r > top) {
                        top = r;
                        c = j;
                    }
                }
                events[c]++;
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
