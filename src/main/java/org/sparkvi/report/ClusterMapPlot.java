package org.sparkvi.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A longitude/latitude map (equirectangular, scaled by cos of the middle latitude so regions keep their shape) of
 * events coloured by cluster, with each cluster's posterior mean, the 95% region of that mean and the one-sd spread
 * of its events drawn as true geographic circles. The extent is the smallest longitude arc holding the data (so a
 * catalogue across the date line is not split) or the whole world for a global catalogue.
 */
public final class ClusterMapPlot {
    static final double EARTH_RADIUS_KM = 6371.0088;
    private static final Color OCEAN = new Color(0xF4F8FB);
    private static final Color LAND = new Color(0xE3E3E0);
    private static final Color COAST = new Color(0xB5B5B0);
    private static final Color GRID = new Color(0xD5DEE6);

    private ClusterMapPlot() {
    }

    public static byte[] render(String title, double[] longitude, double[] latitude, int[] cluster,
                                List<ClusterMarker> markers, int widthPx, int heightPx) {
        return Charts.png(image(title, longitude, latitude, cluster, markers, widthPx, heightPx));
    }

    static BufferedImage image(String title, double[] longitude, double[] latitude, int[] cluster,
                               List<ClusterMarker> markers, int widthPx, int heightPx) {
        Extent ext = Extent.of(longitude, latitude, markers);
        BufferedImage img = new BufferedImage(widthPx, heightPx, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, widthPx, heightPx);
        Frame f = Frame.fit(ext, 70, 50, widthPx - 40, heightPx - 40);
        Shape clip = new Rectangle2D.Double(f.left, f.top, f.width, f.height);
        g.setColor(OCEAN);
        g.fill(clip);
        g.setClip(clip);
        drawLand(g, f);
        drawGrid(g, f, false);
        EventDots dots = new EventDots();
        for (int i = 0; i < longitude.length; i++) {
            double[] p = f.project(longitude[i], latitude[i]);
            dots.draw(g, cluster[i] < 0 ? Color.GRAY : Charts.color(cluster[i]), p[0], p[1]);
        }
        for (ClusterMarker m : markers) {
            Color c = Charts.color(m.k());
            if (Double.isFinite(m.spreadRadiusKm())) {
                g.setColor(c.darker());
                g.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {6, 4}, 0));
                g.draw(circle(f, m.longitude(), m.latitude(), m.spreadRadiusKm()));
            }
            if (Double.isFinite(m.meanRadius95Km())) {
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1.4f));
                g.draw(circle(f, m.longitude(), m.latitude(), m.meanRadius95Km()));
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        for (ClusterMarker m : markers) {
            double[] p = f.project(m.longitude(), m.latitude());
            g.setColor(Charts.color(m.k()));
            g.fill(new Ellipse2D.Double(p[0] - 7, p[1] - 7, 14, 14));
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2f));
            g.draw(new Ellipse2D.Double(p[0] - 7, p[1] - 7, 14, 14));
            haloText(g, String.valueOf(m.k()), p[0] + 9, p[1] - 8);
        }
        g.setClip(null);
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.draw(clip);
        drawGrid(g, f, true);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, (int) f.left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.DARK_GRAY);
        g.drawString("filled marker: posterior mean of the centre; solid circle: its 95% region; dashed: one-sd spread of "
                + "its events; coastlines: Natural Earth 1:110m", (int) f.left, heightPx - 8);
        legend(g, f, markers);
        g.dispose();
        return img;
    }

    private static void drawLand(Graphics2D g, Frame f) {
        for (List<double[]> ring : Coastlines.landRings()) {
            for (int shift = -360; shift <= 360; shift += 360) {
                Path2D.Double path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
                boolean first = true;
                for (double[] p : ring) {
                    double[] xy = f.projectRaw(p[0] + shift, p[1]);
                    if (first) {
                        path.moveTo(xy[0], xy[1]);
                        first = false;
                    } else {
                        path.lineTo(xy[0], xy[1]);
                    }
                }
                path.closePath();
                if (path.getBounds2D().intersects(f.left, f.top, f.width, f.height)) {
                    g.setColor(LAND);
                    g.fill(path);
                    g.setColor(COAST);
                    g.setStroke(new BasicStroke(0.8f));
                    g.draw(path);
                }
            }
        }
    }

    private static void drawGrid(Graphics2D g, Frame f, boolean labels) {
        double span = Math.max(f.ext.lonMax - f.ext.lonMin, f.ext.latMax - f.ext.latMin);
        double step = Arrays.stream(new double[] {0.5, 1, 2, 5, 10, 15, 30, 60}).filter(s -> span / s <= 9).findFirst().orElse(60);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double lon = Math.ceil(f.ext.lonMin / step) * step; lon <= f.ext.lonMax; lon += step) {
            double[] a = f.projectRaw(lon, f.ext.latMin);
            if (labels) {
                g.setColor(Color.DARK_GRAY);
                String s = degrees(wrap(lon), "E", "W");
                g.drawString(s, (float) (a[0] - g.getFontMetrics().stringWidth(s) / 2.0), (float) (f.top + f.height + 15));
            } else {
                g.setColor(GRID);
                g.setStroke(new BasicStroke(0.7f));
                g.draw(new java.awt.geom.Line2D.Double(a[0], f.top, a[0], f.top + f.height));
            }
        }
        for (double lat = Math.ceil(f.ext.latMin / step) * step; lat <= f.ext.latMax; lat += step) {
            double[] a = f.projectRaw(f.ext.lonMin, lat);
            if (labels) {
                g.setColor(Color.DARK_GRAY);
                String s = degrees(lat, "N", "S");
                g.drawString(s, (float) (f.left - 6 - g.getFontMetrics().stringWidth(s)), (float) (a[1] + 4));
            } else {
                g.setColor(GRID);
                g.setStroke(new BasicStroke(0.7f));
                g.draw(new java.awt.geom.Line2D.Double(f.left, a[1], f.left + f.width, a[1]));
            }
        }
    }

    private static String degrees(double v, String pos, String neg) {
        String n = v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) Math.abs(v))
                : String.format(Locale.ROOT, "%.1f", Math.abs(v));
        return v == 0 ? "0°" : Math.abs(v) == 180 ? "180°" : n + "°" + (v > 0 ? pos : neg);
    }

    private static void legend(Graphics2D g, Frame f, List<ClusterMarker> markers) {
        if (markers.isEmpty()) {
            return;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (ClusterMarker m : markers) {
            w = Math.max(w, fm.stringWidth(m.label()));
        }
        int x = (int) (f.left + f.width) - w - 40;
        int y = (int) f.top + 10;
        int h = markers.size() * 18 + 10;
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x, y, w + 30, h);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, w + 30, h);
        for (int i = 0; i < markers.size(); i++) {
            ClusterMarker m = markers.get(i);
            g.setColor(Charts.color(m.k()));
            g.fillOval(x + 8, y + 8 + i * 18, 11, 11);
            g.setColor(Color.BLACK);
            g.drawString(m.label(), x + 24, y + 18 + i * 18);
        }
    }

    private static void haloText(Graphics2D g, String s, double x, double y) {
        g.setColor(Color.WHITE);
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                g.drawString(s, (float) x + dx, (float) y + dy);
            }
        }
        g.setColor(Color.BLACK);
        g.drawString(s, (float) x, (float) y);
    }

    /** A circle of radius r km about (lon, lat) on the sphere, as a closed path of 96 points on the map. */
    static Path2D circle(Frame f, double lon, double lat, double radiusKm) {
        double delta = radiusKm / EARTH_RADIUS_KM;
        double phi1 = Math.toRadians(lat);
        double lambda1 = Math.toRadians(lon);
        Path2D.Double path = new Path2D.Double();
        double prevLon = Double.NaN;
        for (int i = 0; i <= 96; i++) {
            double theta = 2 * Math.PI * i / 96;
            double phi2 = Math.asin(Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta));
            double lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
                    Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2));
            double lon2 = Math.toDegrees(lambda2);
            if (!Double.isNaN(prevLon)) {
                lon2 += 360 * Math.rint((prevLon - lon2) / 360); // stay continuous across the date line
            }
            prevLon = lon2;
            double[] xy = f.projectNear(lon2, Math.toDegrees(phi2), lon);
            if (i == 0) {
                path.moveTo(xy[0], xy[1]);
            } else {
                path.lineTo(xy[0], xy[1]);
            }
        }
        return path;
    }

    static double wrap(double lon) {
        double w = ((lon + 180) % 360 + 360) % 360 - 180;
        return w == -180 ? 180 : w;
    }

    /** The map's extent in degrees; lonMax may exceed 180 when the data straddle the date line. */
    record Extent(double lonMin, double lonMax, double latMin, double latMax) {
        static Extent of(double[] lon, double[] lat, List<ClusterMarker> markers) {
            int n = lon.length + markers.size();
            double[] lons = new double[n];
            double[] lats = new double[n];
            for (int i = 0; i < lon.length; i++) {
                lons[i] = wrap(lon[i]);
                lats[i] = lat[i];
            }
            for (int i = 0; i < markers.size(); i++) {
                lons[lon.length + i] = wrap(markers.get(i).longitude());
                lats[lon.length + i] = markers.get(i).latitude();
            }
            if (n == 0) {
                return new Extent(-180, 180, -90, 90);
            }
            double[] sorted = lons.clone();
            Arrays.sort(sorted);
            // the smallest arc holding every longitude lies opposite the widest gap between neighbours
            double gap = sorted[0] + 360 - sorted[n - 1];
            double start = sorted[0];
            for (int i = 1; i < n; i++) {
                if (sorted[i] - sorted[i - 1] > gap) {
                    gap = sorted[i] - sorted[i - 1];
                    start = sorted[i];
                }
            }
            double span = 360 - gap;
            double latMin = Arrays.stream(lats).min().getAsDouble();
            double latMax = Arrays.stream(lats).max().getAsDouble();
            if (span > 200 || latMax - latMin > 110) {
                return new Extent(-180, 180, -90, 90);
            }
            double pad = Math.max(1, 0.08 * Math.max(span, latMax - latMin));
            return new Extent(start - pad, start + span + pad, Math.max(-90, latMin - pad), Math.min(90, latMax + pad));
        }
    }

    /** Degrees to pixels: equirectangular with x scaled by cos of the middle latitude, centred in the box. */
    record Frame(Extent ext, double left, double top, double width, double height, double scale, double cosMid) {
        static Frame fit(Extent e, double x0, double y0, double x1, double y1) {
            double cos = Math.max(0.2, Math.cos(Math.toRadians((e.latMin + e.latMax) / 2)));
            double scale = Math.min((x1 - x0) / ((e.lonMax - e.lonMin) * cos), (y1 - y0) / (e.latMax - e.latMin));
            double w = (e.lonMax - e.lonMin) * cos * scale;
            double h = (e.latMax - e.latMin) * scale;
            return new Frame(e, x0 + ((x1 - x0) - w) / 2, y0 + ((y1 - y0) - h) / 2, w, h, scale, cos);
        }

        /** A point of the data: its longitude is moved by whole turns into the extent when it can be. */
        double[] project(double lon, double lat) {
            double l = lon;
            while (l < ext.lonMin) {
                l += 360;
            }
            while (l > ext.lonMax && l - 360 >= ext.lonMin - 1e-9) {
                l -= 360;
            }
            return projectRaw(l, lat);
        }

        /** A point of a shape drawn around {@code anchorLon}: moved by the same whole turns as its anchor. */
        double[] projectNear(double lon, double lat, double anchorLon) {
            double[] anchor = project(anchorLon, 0);
            double shift = (anchor[0] - projectRaw(anchorLon, 0)[0]) / (cosMid * scale);
            return projectRaw(lon + shift, lat);
        }

        double[] projectRaw(double lon, double lat) {
            return new double[] {left + (lon - ext.lonMin) * cosMid * scale, top + (ext.latMax - lat) * scale};
        }
    }
}
