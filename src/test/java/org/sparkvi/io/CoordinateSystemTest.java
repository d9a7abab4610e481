package org.sparkvi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinate transforms against geometry computed independently (haversine), and their inverses. */
class CoordinateSystemTest {
    static final double[][] PLACES = {{35.5, -120.3}, {-33.4, -70.6}, {64.1, -21.9}, {-89.5, 10}, {89.9, -170}, {0, 179.99}};

    @Test
    void ecefChordMatchesTheGreatCircleAndInvertsExactly() {
        CoordinateSystem ecef = CoordinateSystem.of(CoordinateSystem.Kind.ECEF);
        for (double[] a : PLACES) {
            double[] xa = new double[3];
            ecef.toModel(a[0], a[1], null, xa);
            double[] back = ecef.toLatLon(xa);
            assertEquals(a[0], back[0], 1e-9);
            assertEquals(0, CoordinateSystem.wrapDegrees(a[1] - back[1]), Math.abs(a[0]) > 89.99 ? 1e-4 : 1e-9);
            for (double[] b : PLACES) {
                double[] xb = new double[3];
                ecef.toModel(b[0], b[1], null, xb);
                double chord = Math.sqrt(Math.pow(xa[0] - xb[0], 2) + Math.pow(xa[1] - xb[1], 2) + Math.pow(xa[2] - xb[2], 2));
                double arc = CoordinateSystem.greatCircleKm(a[0], a[1], b[0], b[1]);
                // chord = 2R sin(arc / 2R)
                assertEquals(2 * CoordinateSystem.EARTH_RADIUS_KM * Math.sin(arc / (2 * CoordinateSystem.EARTH_RADIUS_KM)),
                        chord, 1e-6);
            }
        }
    }

    @Test
    void ecefIsContinuousAcrossTheDateLine() {
        CoordinateSystem ecef = CoordinateSystem.of(CoordinateSystem.Kind.ECEF);
        double[] west = new double[3];
        double[] east = new double[3];
        ecef.toModel(-17, 179.9, null, west);
        ecef.toModel(-17, -179.9, null, east);
        double d = Math.sqrt(Math.pow(west[0] - east[0], 2) + Math.pow(west[1] - east[1], 2) + Math.pow(west[2] - east[2], 2));
        assertTrue(d < 25, "0.2 degrees of longitude at 17S is about 21 km, got " + d);
    }

    @Test
    void localKmIsAboutTheReferenceAndInverts() {
        CoordinateSystem local = new CoordinateSystem(CoordinateSystem.Kind.LOCAL_KM, -17, 179.5, List.of());
        double[] x = new double[2];
        local.toModel(-17, -179.5, null, x); // one degree east, across the date line
        assertEquals(Math.PI / 180 * CoordinateSystem.EARTH_RADIUS_KM * Math.cos(Math.toRadians(-17)), x[0], 1e-9);
        assertEquals(0, x[1], 1e-12);
        double[] back = local.toLatLon(x);
        assertEquals(-17, back[0], 1e-12);
        assertEquals(-179.5, back[1], 1e-9);
        // for small offsets the local distance is the great-circle distance
        local.toModel(-16.9, 179.6, null, x);
        assertEquals(CoordinateSystem.greatCircleKm(-17, 179.5, -16.9, 179.6), Math.hypot(x[0], x[1]), 0.05);
    }

    @Test
    void radialIsTheLogDistanceWithItsJacobian() {
        CoordinateSystem radial = new CoordinateSystem(CoordinateSystem.Kind.RADIAL, 35, -120, List.of());
        double[] x = new double[1];
        double logJ = radial.toModel(36, -121, null, x);
        double r = CoordinateSystem.greatCircleKm(36, -121, 35, -120);
        assertEquals(Math.log(r), x[0], 1e-12);
        assertEquals(-Math.log(r), logJ, 1e-12, "log |dX/dR| = -log R");
        assertEquals(1, radial.dim());
    }

    @Test
    void batchConversionHasTheBitsOfOneAtATime() {
        java.util.Random rnd = new java.util.Random(3);
        int n = 1001;
        double[] lat = new double[n];
        double[] lon = new double[n];
        double[] depth = new double[n];
        double[][] values = {new double[n], new double[n]};
        for (int i = 0; i < n; i++) {
            lat[i] = i < PLACES.length ? PLACES[i][0] : rnd.nextDouble() * 180 - 90;
            lon[i] = i < PLACES.length ? PLACES[i][1] : rnd.nextDouble() * 360 - 180;
            depth[i] = rnd.nextDouble() * 700 - 5;
            values[0][i] = rnd.nextGaussian();
            values[1][i] = rnd.nextGaussian();
        }
        CoordinateSystem.Workspace work = new CoordinateSystem.Workspace();
        for (CoordinateSystem cs : List.of(CoordinateSystem.of(CoordinateSystem.Kind.ECEF),
                CoordinateSystem.of(CoordinateSystem.Kind.HYPOCENTER), CoordinateSystem.of(CoordinateSystem.Kind.LONLAT),
                new CoordinateSystem(CoordinateSystem.Kind.LOCAL_KM, -17, 179.5, List.of()),
                new CoordinateSystem(CoordinateSystem.Kind.RADIAL, 35, -120, List.of()),
                new CoordinateSystem(CoordinateSystem.Kind.IDENTITY, Double.NaN, Double.NaN, List.of("a", "b")))) {
            double[][] x = new double[cs.dim()][n];
            double[] logJ = new double[n];
            cs.toModel(lat, lon, depth, values, n, x, logJ, work);
            double[] one = new double[cs.dim()];
            for (int i = 0; i < n; i++) {
                double lj = cs.toModel(lat[i], lon[i], depth[i], new double[] {values[0][i], values[1][i]}, one);
                assertEquals(Double.doubleToRawLongBits(lj), Double.doubleToRawLongBits(logJ[i]), cs.kind() + " " + i);
                for (int j = 0; j < one.length; j++) {
                    assertEquals(Double.doubleToRawLongBits(one[j]), Double.doubleToRawLongBits(x[j][i]), cs.kind() + " " + i);
                }
            }
        }
    }

    @Test
    void ecefIsTheSphereToRoundOff() {
        // X = R(cos φ cos λ, cos φ sin λ, sin φ) with Math's sines and cosines, to a few ulps of R
        CoordinateSystem ecef = CoordinateSystem.of(CoordinateSystem.Kind.ECEF);
        double r = CoordinateSystem.EARTH_RADIUS_KM;
        for (double[] p : PLACES) {
            double[] x = new double[3];
            ecef.toModel(p[0], p[1], null, x);
            double phi = Math.toRadians(p[0]);
            double lambda = Math.toRadians(p[1]);
            assertEquals(r * Math.cos(phi) * Math.cos(lambda), x[0], 4 * Math.ulp(r));
            assertEquals(r * Math.cos(phi) * Math.sin(lambda), x[1], 4 * Math.ulp(r));
            assertEquals(r * Math.sin(phi), x[2], 4 * Math.ulp(r));
        }
    }
}
