package org.sparkvi.cavi;

import org.sparkvi.random.CounterRandom;
import java.io.Serializable;

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007) in one pass per centre, the same for any partitioning:
 * each event keeps D_n², its squared distance to the nearest centre so far, lowered once per new centre;
 * the next centre is drawn with probability ∝ w_n D_n², by an exponential race: event n's key is
 * E_n / (w_n D_n²) with E_n = −log U_n and U_n a counter-based uniform of (seed, restart·K + step, index);
 * the smallest key wins (ties to the smaller index). The first centre is drawn ∝ w_n.
 */
public final class KMeansPlusPlus {
    private KMeansPlusPlus() {
    }

    /** The best candidate of one step so far: its key, catalogue index and location. */
    public record Candidate(double key, long index, double[] x) implements Serializable {
        public static Candidate better(Candidate a, Candidate b) {
            if (a == null) {
                return b;
            }
            if (b == null) {
                return a;
            }
            int c = Double.compare(a.key, b.key);
            return c < 0 || (c == 0 && a.index < b.index) ? a : b;
        }
    }

    /**
     * Lowers each event's D² (its squared distance to the nearest centre chosen so far; start from
     * {@link #noCentreYet}) to its distance from centre {@code c} of {@code centers} where that is nearer. One call
     * per new centre keeps seeding O(N·K·D) instead of the O(N·K²·D) of measuring every chosen centre at every step,
     * with the same bits: a minimum is exact, whatever the order its terms come in.
     */
    public static void nearer(EventBlock b, double[] minDist, double[] centers, int c) {
        int d = b.dim;
        for (int n = 0; n < b.size; n++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double diff = b.x[j * b.size + n] - centers[c * d + j];
                s += diff * diff;
            }
            minDist[n] = Math.min(minDist[n], s);
        }
    }

    /** The D² of every event before any centre is chosen: +∞ (the minimum over no centres). */
    public static double[] noCentreYet(EventBlock b) {
        double[] minDist = new double[b.size];
        java.util.Arrays.fill(minDist, Double.POSITIVE_INFINITY);
        return minDist;
    }

    /**
     * The winner of step {@code step} within one block, given each event's D² to the {@code step} centres already
     * chosen ({@link #nearer}; null at step 0, where the draw is ∝ w_n alone).
     */
    public static Candidate best(EventBlock b, double[] minDist, int step, long seed, int restart, int k) {
        Candidate best = null;
        long stream = (long) restart * k + step;
        for (int n = 0; n < b.size; n++) {
            double w = b.weight(n);
            double dist = step == 0 ? 1.0 : minDist[n];
            double u = CounterRandom.uniform(seed, stream, b.index[n]);
            // −log u ≥ 1 − u: where 1 − u already exceeds best.key·w·D² (with a margin far above round-off), the key
            // is surely larger than the best one's, and its log is not needed (soon true of nearly every event)
            if (best != null && 1 - u > best.key * (w * dist) * (1 + 1e-9)) {
                continue;
            }
            double key = -Math.log(u) / (w * dist);
            if (Double.isNaN(key)) {
                key = Double.POSITIVE_INFINITY;
            }
            if (best == null || key < best.key || (key == best.key && b.index[n] < best.index)) {
                best = new Candidate(key, b.index[n], b.location(n));
            }
        }
        return best;
    }
}
