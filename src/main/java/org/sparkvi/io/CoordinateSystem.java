package org.sparkvi.io;

import java.io.Serializable;
import java.util.List;
import org.sparkvi.VectorSinCos;

/**
 * How an event's location becomes the model's X (and, for reports, back):
 * <ul>
 * <li>LONLAT: X = (longitude, latitude) in degrees, D = 2 (the assignment's model as stated);</li>
 * <li>LOCAL_KM: equirectangular kilometres about a reference point (the catalogue's centroid):
 * X = R·(Δlon·cos lat₀, Δlat), Δlon wrapped to (−180°, 180°], D = 2 (for a region);</li>
 * <li>ECEF: Earth-centred kilometres on the sphere, X = R(cos φ cos λ, cos φ sin λ, sin φ), D = 3 (the default:
 * no seam at the date line, no singularity at the poles);</li>
 * <li>IDENTITY: the named numeric columns as they are (data already in model space);</li>
 * <li>RADIAL: X = log of the great-circle distance R in km from a station, D = 1, so R is log-normal; the density
 * of R carries the Jacobian |dX/dR| = 1/R, i.e. −log R per event in the ELBO;</li>
 * <li>HYPOCENTER: Earth-centred kilometres of the hypocentre, X = (R − depth)(cos φ cos λ, cos φ sin λ, sin φ),
 * D = 3, so that deep and shallow seismicity under one epicentre separate (a rigid change of variables from
 * (x, y, z), Jacobian 1).</li>
 * </ul>
 * R = 6371.0088 km, the IUGG mean Earth radius.
 */
public record CoordinateSystem(Kind kind, double refLatitude, double refLongitude, List<String> xColumns)
        implements Serializable {
    public static final double EARTH_RADIUS_KM = 6371.0088;

    public enum Kind {
        LONLAT, LOCAL_KM, ECEF, IDENTITY, RADIAL, HYPOCENTER
    }

    public CoordinateSystem {
        if (kind == null) {
            throw new IllegalArgumentException("coords must be one of lonlat, local-km, ecef, hypocenter, identity, radial");
        }
        xColumns = xColumns == null ? List.of() : List.copyOf(xColumns);
        if (kind == Kind.IDENTITY && (xColumns.isEmpty() || xColumns.size() > 3)) {
            throw new IllegalArgumentException("coords identity needs --x-columns with 1 to 3 column names, got " + xColumns);
        }
        if (kind == Kind.RADIAL) {
            if (!(refLatitude >= -90 && refLatitude <= 90) || !(refLongitude >= -180 && refLongitude <= 180)) {
                throw new IllegalArgumentException("coords radial needs --station LAT,LON with latitude in [-90, 90] and "
                        + "longitude in [-180, 180], got " + refLatitude + "," + refLongitude);
            }
        }
    }

    public static CoordinateSystem of(Kind kind) {
        return new CoordinateSystem(kind, Double.NaN, Double.NaN, List.of());
    }

    public int dim() {
        return switch (kind) {
            case LONLAT, LOCAL_KM -> 2;
            case ECEF, HYPOCENTER -> 3;
            case IDENTITY -> xColumns.size();
            case RADIAL -> 1;
        };
    }

    /** Whether the model needs latitude and longitude (all but IDENTITY). */
    public boolean usesLatLon() {
        return kind != Kind.IDENTITY;
    }

    /**
     * Whether {@link #toLatLon} gives an event's latitude and longitude back from X (to round-off), so that a block
     * need not keep them for the map: LONLAT, ECEF, HYPOCENTER and LOCAL_KM once its reference point is fixed.
     */
    public boolean recoversLatLon() {
        return switch (kind) {
            case LONLAT, ECEF, HYPOCENTER -> true;
            case LOCAL_KM -> !needsReference();
            case IDENTITY, RADIAL -> false;
        };
    }

    /** Whether the model needs the depth column (HYPOCENTER). */
    public boolean usesDepth() {
        return kind == Kind.HYPOCENTER;
    }

    /** The reference point is computed from the data (LOCAL_KM before it is fixed). */
    public boolean needsReference() {
        return kind == Kind.LOCAL_KM && Double.isNaN(refLatitude);
    }

    public CoordinateSystem withReference(double lat, double lon) {
        return new CoordinateSystem(kind, lat, lon, xColumns);
    }

    /**
     * Writes X for an event into {@code x} and returns log|dX/dY|, the log-Jacobian its density carries
     * (0 except for RADIAL, where it is −log R). {@code values} holds the x-columns for IDENTITY.
     */
    public double toModel(double latitude, double longitude, double[] values, double[] x) {
        return toModel(latitude, longitude, Double.NaN, values, x);
    }

    /** As {@link #toModel(double, double, double[], double[])}, with the depth in km (positive down) for HYPOCENTER. */
    public double toModel(double latitude, double longitude, double depthKm, double[] values, double[] x) {
        switch (kind) {
            case LONLAT -> {
                x[0] = longitude;
                x[1] = latitude;
            }
            case LOCAL_KM -> {
                double k = Math.PI / 180 * EARTH_RADIUS_KM;
                x[0] = k * wrapDegrees(longitude - refLongitude) * Math.cos(Math.toRadians(refLatitude));
                x[1] = k * (latitude - refLatitude);
            }
            case ECEF, HYPOCENTER -> {
                double phi = Math.toRadians(latitude);
                double lambda = Math.toRadians(longitude);
                double r = radius(depthKm);
                double rCosPhi = r * VectorSinCos.cos(phi);
                x[0] = rCosPhi * VectorSinCos.cos(lambda);
                x[1] = rCosPhi * VectorSinCos.sin(lambda);
                x[2] = r * VectorSinCos.sin(phi);
            }
            case IDENTITY -> System.arraycopy(values, 0, x, 0, values.length);
            case RADIAL -> {
                double r = greatCircleKm(latitude, longitude, refLatitude, refLongitude);
                x[0] = Math.log(r);
                return -x[0];
            }
            default -> throw new IllegalStateException();
        }
        return 0;
    }

    /** The distance from the Earth's centre in km: R, or R − depth for HYPOCENTER. */
    private double radius(double depthKm) {
        return kind == Kind.HYPOCENTER ? EARTH_RADIUS_KM - depthKm : EARTH_RADIUS_KM;
    }

    /**
     * {@link #toModel(double, double, double, double[], double[])} for events i &lt; n at once, with the same bits:
     * x[j][i], and the log-Jacobians into logJacobian[i]; {@code values[j][i]} holds the x-columns for IDENTITY and
     * {@code depthKm} the depths for HYPOCENTER. ECEF's and HYPOCENTER's sines and cosines go SIMD lanes at a time
     * (four per event were a fifth of a catalogue read's CPU one at a time).
     */
    public void toModel(double[] latitude, double[] longitude, double[] depthKm, double[][] values, int n, double[][] x,
                        double[] logJacobian, Workspace work) {
        if (kind != Kind.ECEF && kind != Kind.HYPOCENTER) {
            double[] one = new double[dim()];
            double[] v = new double[values == null ? 0 : values.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < v.length; j++) {
                    v[j] = values[j][i];
                }
                logJacobian[i] = toModel(latitude == null ? Double.NaN : latitude[i],
                        longitude == null ? Double.NaN : longitude[i], depthKm == null ? Double.NaN : depthKm[i], v, one);
                for (int j = 0; j < one.length; j++) {
                    x[j][i] = one[j];
                }
            }
            return;
        }
        work.reserve(n);
        for (int i = 0; i < n; i++) {
            work.phi[i] = Math.toRadians(latitude[i]);
            work.lambda[i] = Math.toRadians(longitude[i]);
        }
        VectorSinCos.sinCos(work.phi, work.sinPhi, work.cosPhi, 0, n);
        VectorSinCos.sinCos(work.lambda, work.sinLambda, work.cosLambda, 0, n);
        for (int i = 0; i < n; i++) {
            double r = radius(depthKm == null ? Double.NaN : depthKm[i]);
            double rCosPhi = r * work.cosPhi[i];
            x[0][i] = rCosPhi * work.cosLambda[i];
            x[1][i] = rCosPhi * work.sinLambda[i];
            x[2][i] = r * work.sinPhi[i];
            logJacobian[i] = 0;
        }
    }

    /** Scratch arrays for {@link #toModel(double[], double[], double[], double[][], int, double[][], double[], Workspace)}: one per thread. */
    public static final class Workspace {
        private double[] phi = new double[0];
        private double[] lambda;
        private double[] sinPhi;
        private double[] cosPhi;
        private double[] sinLambda;
        private double[] cosLambda;

        private void reserve(int n) {
            if (phi.length < n) {
                phi = new double[n];
                lambda = new double[n];
                sinPhi = new double[n];
                cosPhi = new double[n];
                sinLambda = new double[n];
                cosLambda = new double[n];
            }
        }
    }

    /** {latitude, longitude} of a point of model space where that means something, else null. */
    public double[] toLatLon(double[] x) {
        return switch (kind) {
            case LONLAT -> new double[] {x[1], wrapDegrees(x[0])};
            case LOCAL_KM -> {
                double k = Math.PI / 180 * EARTH_RADIUS_KM;
                double lat = refLatitude + x[1] / k;
                double lon = refLongitude + x[0] / (k * Math.cos(Math.toRadians(refLatitude)));
                yield new double[] {lat, wrapDegrees(lon)};
            }
            case ECEF, HYPOCENTER -> {
                double norm = Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
                yield norm == 0 ? null : new double[] {Math.toDegrees(Math.asin(x[2] / norm)),
                        Math.toDegrees(Math.atan2(x[1], x[0]))};
            }
            case IDENTITY, RADIAL -> null;
        };
    }

    /** The depth below the surface of a point of model space, R − |x| km, for HYPOCENTER; null elsewhere. */
    public Double depthKm(double[] x) {
        if (kind != Kind.HYPOCENTER) {
            return null;
        }
        return EARTH_RADIUS_KM - Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    }

    /**
     * Kilometres on the Earth's surface per unit of model space near a point (for drawing uncertainty):
     * LONLAT: a degree of latitude; LOCAL_KM and ECEF: 1; otherwise NaN.
     */
    public double kmPerUnit() {
        return switch (kind) {
            case LONLAT -> Math.PI / 180 * EARTH_RADIUS_KM;
            case LOCAL_KM, ECEF, HYPOCENTER -> 1.0;
            case IDENTITY, RADIAL -> Double.NaN;
        };
    }

    public static double wrapDegrees(double deg) {
        double w = ((deg + 180) % 360 + 360) % 360 - 180;
        return w == -180 ? 180 : w;
    }

    /** Haversine distance in km. */
    public static double greatCircleKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** The name used on the command line and in summaries: lonlat, local-km, ecef, hypocenter, identity, radial. */
    public String label() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Kind parseKind(String s) {
        for (Kind k : Kind.values()) {
            if (k.name().replace('_', '-').equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--coords must be one of lonlat, local-km, ecef, hypocenter, identity, radial; got '" + s + "'");
    }
}
