package org.sparkvi.io;

import java.io.Serializable;
import java.util.List;

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
            case ECEF -> {
                double phi = Math.toRadians(latitude);
                double lambda = Math.toRadians(longitude);
                // R cos φ once: C2 does not merge two calls of Math.cos (the same bits, 4 trig calls instead of 5)
                double rCosPhi = EARTH_RADIUS_KM * Math.cos(phi);
                x[0] = rCosPhi * Math.cos(lambda);
                x[1] = rCosPhi * Math.sin(lambda);
                x[2] = EARTH_RADIUS_KM * Math.sin(phi);
            }
            case HYPOCENTER -> {
                double phi = Math.toRadians(latitude);
                double lambda = Math.toRadians(longitude);
                double r = EARTH_RADIUS_KM - depthKm;
                double rCosPhi = r * Math.cos(phi);
                x[0] = rCosPhi * Math.cos(lambda);
                x[1] = rCosPhi * Math.sin(lambda);
                x[2] = r * Math.sin(phi);
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
