package org.sparkvi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** sin and cos on [−π, π]: within one ulp of Math's, exact where they must be, and every SIMD lane the scalar's bits. */
class VectorSinCosTest {
    /** Angles of latitudes and longitudes: whole and random degrees, the quadrant boundaries and their neighbours. */
    private static double[] angles() {
        Random rnd = new Random(7);
        double[] x = new double[400_000];
        int i = 0;
        for (int deg = -180; deg <= 180; deg++) {
            double a = Math.toRadians(deg);
            x[i++] = a;
            x[i++] = Math.nextUp(a);
            x[i++] = Math.nextDown(a);
        }
        for (double b : new double[] {Math.PI / 4, Math.PI / 2, 3 * Math.PI / 4, Math.PI}) {
            x[i++] = b;
            x[i++] = -b;
            x[i++] = Math.nextDown(b);
            x[i++] = -Math.nextDown(b);
        }
        x[i++] = 1e-300;
        x[i++] = -0.0;
        while (i < x.length) {
            x[i++] = Math.toRadians((rnd.nextDouble() * 2 - 1) * (rnd.nextBoolean() ? 180 : 90));
        }
        return x;
    }

    @Test
    void withinOneUlpOfMathSinAndCos() {
        for (double x : angles()) {
            double s = Math.sin(x);
            double c = Math.cos(x);
            assertEquals(s, VectorSinCos.sin(x), Math.ulp(s), () -> "sin(" + x + ")");
            assertEquals(c, VectorSinCos.cos(x), Math.ulp(c), () -> "cos(" + x + ")");
        }
        assertEquals(0.0, VectorSinCos.sin(0.0));
        assertEquals(1.0, VectorSinCos.cos(0.0));
        assertEquals(1.0, VectorSinCos.sin(Math.PI / 2));
        assertEquals(-1.0, VectorSinCos.cos(Math.PI));
        assertEquals(1e-300, VectorSinCos.sin(1e-300));
    }

    @Test
    void everyLaneIsTheScalarBitForBit() {
        double[] x = angles();
        double[] sin = new double[x.length];
        double[] cos = new double[x.length];
        // from an odd offset, so lanes and the scalar tail both meet every kind of angle
        VectorSinCos.sinCos(x, sin, cos, 3, x.length - 3);
        for (int i = 3; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(VectorSinCos.sin(x[i])), Double.doubleToRawLongBits(sin[i]), "sin " + x[i]);
            assertEquals(Double.doubleToRawLongBits(VectorSinCos.cos(x[i])), Double.doubleToRawLongBits(cos[i]), "cos " + x[i]);
        }
        assertEquals(0.0, sin[0]);
    }
}
