package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkvi.random.CounterRandom;

/**
 * Each step's winner is the event with the smallest key E_n/(w_n D_n²) of all, though most keys are never computed
 * and D_n² is carried from step to step (lowered by each new centre) rather than taken over all centres each time.
 */
class KMeansPlusPlusTest {
    @Test
    void theWinnerIsTheSmallestKeyOfEveryEvent() {
        Random rnd = new Random(2);
        for (int trial = 0; trial < 10; trial++) {
            int d = 2 + trial % 2;
            int k = 2 + rnd.nextInt(8);
            double[] centers = new double[k * d];
            double[] rates = new double[k];
            double[] pi = new double[k];
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    centers[c * d + j] = rnd.nextGaussian() * 4;
                }
                rates[c] = 3;
                pi[c] = 1.0 / k;
            }
            List<EventBlock> raw = new SyntheticCatalogue(centers, rates, pi, 1).blocks(trial, 0, 5000, 5000);
            EventBlock b = trial % 2 == 0 ? raw.get(0) : ElboMonotoneTest.withRandomWeights(raw, rnd).get(0);
            double[] chosen = new double[k * d];
            double[] minDist = KMeansPlusPlus.noCentreYet(b);
            for (int step = 0; step < k; step++) {
                if (step > 0) { // D² kept from step to step, against the test's own minimum over all chosen centres
                    KMeansPlusPlus.nearer(b, minDist, chosen, step - 1);
                }
                KMeansPlusPlus.Candidate got = KMeansPlusPlus.best(b, minDist, step, 9, 1, k);
                long expected = smallestKey(b, chosen, step, 9, 1, k);
                assertEquals(expected, got.index(), "trial " + trial + " step " + step);
                assertArrayEquals(b.location((int) (expected - b.index[0])), got.x());
                System.arraycopy(got.x(), 0, chosen, step * d, d);
            }
        }
    }

    /** Every event's key, computed: the index of the smallest (ties to the smaller index). */
    private static long smallestKey(EventBlock b, double[] centers, int step, long seed, int restart, int k) {
        long best = -1;
        double bestKey = Double.POSITIVE_INFINITY;
        for (int n = 0; n < b.size; n++) {
            double dist = step == 0 ? 1.0 : Double.POSITIVE_INFINITY;
            for (int c = 0; c < step; c++) {
                double s = 0;
                for (int j = 0; j < b.dim; j++) {
                    double diff = b.x(n, j) - centers[c * b.dim + j];
                    s += diff * diff;
                }
                dist = Math.min(dist, s);
            }
            double key = -Math.log(CounterRandom.uniform(seed, (long) restart * k + step, b.index[n])) / (b.weight(n) * dist);
            if (best < 0 || key < bestKey) {
                best = b.index[n];
                bestKey = key;
            }
        }
        return best;
    }
}
