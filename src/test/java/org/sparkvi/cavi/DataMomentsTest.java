package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;
import org.sparkvi.UserInputException;
import org.sparkvi.io.CoordinateSystem;

/**
 * The moments behind the data-scaled defaults at the scale of real coordinates (ECEF, about 6371 km): events at one
 * point have no spread at all, a small spread is measured to its own round-off, and the defaults are refused when
 * the spread is below a millionth of the coordinates' scale.
 */
class DataMomentsTest {
    static final CoordinateSystem ECEF = CoordinateSystem.of(CoordinateSystem.Kind.ECEF);

    static double[] ecef(double lat, double lon) {
        double[] x = new double[3];
        ECEF.toModel(lat, lon, null, x);
        return x;
    }

    /** n events at x plus offsets[i % offsets.length] along the first axis, cut into {@code blocks} blocks. */
    static DataMoments moments(double[] x, double[] offsets, int n, int blocks) {
        DataMoments total = new DataMoments(3);
        int per = n / blocks;
        for (int b = 0; b < blocks; b++) {
            EventBlock.Builder builder = new EventBlock.Builder(3, false, false);
            for (int i = b * per; i < (b + 1) * per; i++) {
                double[] e = x.clone();
                e[0] += offsets[i % offsets.length];
                builder.add(e, 30, 1, 0, i);
            }
            total.merge(new DataMoments(3).add(builder.build()));
        }
        return total;
    }

    @Test
    void identicalEventsHaveNoSpreadAtAll() {
        double[] x = ecef(35.3, -118.7);
        for (int blocks : new int[] {1, 7}) {
            DataMoments m = moments(x, new double[] {0}, 100_000 - 100_000 % 7, blocks);
            assertEquals(0.0, m.meanVariance(), "variance of identical events, " + blocks + " blocks");
            assertArrayEquals(x, m.mean(), 0.0);
        }
    }

    @Test
    void aSmallSpreadIsMeasuredToItsOwnRoundOff() {
        // half the events 1 m east of the other half (along x): variance (0.5 m)² along x, 0 along y and z
        double[] x = ecef(35.3, -118.7);
        double shifted = (x[0] + 0.001) - x[0]; // the offset as the data hold it
        DataMoments m = moments(x, new double[] {0, 0.001}, 100_000, 4);
        double exact = new BigDecimal(shifted).pow(2).divide(BigDecimal.valueOf(4 * 3), MathContext.DECIMAL64).doubleValue();
        assertEquals(exact, m.meanVariance(), 1e-9 * exact);
    }

    @Test
    void defaultsAreRefusedBelowAMillionthOfTheCoordinatesScale() {
        double[] x = ecef(35.3, -118.7);
        double scale = 0;
        for (double v : x) {
            scale += (Math.abs(v) + 1) * (Math.abs(v) + 1);
        }
        scale = Math.sqrt(scale / 3);
        // a 1 m spread (s = 0.5 m / √3 per dimension) is below 1e-6 · 3678 km = 3.7 m: refused, naming the remedy
        DataMoments tight = moments(x, new double[] {0, 0.001}, 1000, 1);
        UserInputException e = assertThrows(UserInputException.class,
                () -> HyperparameterSpec.defaults().resolve(tight, 3));
        assertEquals(String.format(java.util.Locale.ROOT, "the locations have no spread: all 1000 events are at one point "
                + "(their standard deviation per dimension, %.3g, is at most 1e-06 of the coordinates' scale, %.6g), "
                + "so the data-scaled tau and rho (K^(2/D)/s^2 and 1/s^2) would be meaningless: give --tau and --rho "
                + "explicitly", Math.sqrt(tight.meanVariance()), scale), e.getMessage());
        // given explicitly, they are used as they are
        Hyperparameters h = new HyperparameterSpec(2.0, 0.5, null, null, null, null, PiPrior.FIXED, null).resolve(tight, 3);
        assertEquals(2.0, h.tau());
        assertEquals(0.5, h.rho());
        // a 100 m spread is a spread: tau = K^(2/D)/s²
        DataMoments wide = moments(x, new double[] {0, 0.1}, 1000, 1);
        Hyperparameters hw = HyperparameterSpec.defaults().resolve(wide, 3);
        assertEquals(Math.pow(3, 2.0 / 3) / wide.meanVariance(), hw.tau());
        assertTrue(Math.abs(wide.meanVariance() / (0.05 * 0.05 / 3) - 1) < 1e-9, "variance " + wide.meanVariance());
    }
}
