package org.sparkvi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/** e^x for x ≤ 0: within two ulps of Math.exp, 0 below −708, and the one-value form equal to every lane's bits. */
class VectorExpTest {
    @Test
    void theScalarExpIsMathExpToTwoUlpsAndZeroBelowMinus708() {
        Random rnd = new Random(5);
        for (int t = 0; t < 200_000; t++) {
            double x = t < 100 ? -t * 0.25 : -rnd.nextDouble() * (rnd.nextBoolean() ? 1 : 708);
            double e = Math.exp(x);
            assertEquals(e, VectorExp.exp(x), 2 * Math.ulp(e), "exp(" + x + ")");
        }
        assertEquals(1.0, VectorExp.exp(0.0));
        assertEquals(0.0, VectorExp.exp(-708.5));
        assertEquals(0.0, VectorExp.exp(Double.NEGATIVE_INFINITY));
    }

    @Test
    void everyLaneIsTheScalarExpBitForBit() {
        if (!VectorApi.usable(() -> DoubleVector.SPECIES_PREFERRED.length(), 2)) {
            return;
        }
        var sp = DoubleVector.SPECIES_PREFERRED;
        Random rnd = new Random(6);
        double[] x = new double[sp.length()];
        double[] y = new double[sp.length()];
        for (int t = 0; t < 20_000; t++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = t < 10 ? -i * 0.5 : -rnd.nextDouble() * (rnd.nextBoolean() ? 1 : 720);
            }
            VectorExp.exp(DoubleVector.fromArray(sp, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Double.doubleToRawLongBits(VectorExp.exp(x[i])), Double.doubleToRawLongBits(y[i]),
                        "exp(" + x[i] + ")");
            }
        }
        x[0] = -708.5;
        x[x.length - 1] = Double.NEGATIVE_INFINITY;
        VectorExp.exp(DoubleVector.fromArray(sp, x, 0)).intoArray(y, 0);
        assertEquals(0.0, y[0]);
        assertEquals(0.0, y[x.length - 1]);
    }
}
