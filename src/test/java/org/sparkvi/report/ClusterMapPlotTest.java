package org.sparkvi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The map: a real PNG of the requested size, markers where their coordinates say, the date line kept whole. */
class ClusterMapPlotTest {
    @Test
    void markersAreDrawnInTheirClusterColourAtTheirPosition() throws Exception {
        double[] lon = {170, 175, -178, -172, 178};
        double[] lat = {-20, -18, -16, -22, -19};
        int[] cluster = {0, 0, 1, 1, -1};
        List<ClusterMarker> markers = List.of(new ClusterMarker(0, 172, -19, 50, 300, "0: west"),
                new ClusterMarker(1, -175, -19, 50, 300, "1: east"));
        byte[] png = ClusterMapPlot.render("test", lon, lat, cluster, markers, 900, 600);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(900, img.getWidth());
        assertEquals(600, img.getHeight());
        ClusterMapPlot.Extent e = ClusterMapPlot.Extent.of(lon, lat, markers);
        assertTrue(e.lonMax() - e.lonMin() < 40, "a catalogue across the date line is shown as one region: " + e);
        ClusterMapPlot.Frame f = ClusterMapPlot.Frame.fit(e, 70, 50, 860, 560);
        for (ClusterMarker m : markers) {
            double[] p = f.project(m.longitude(), m.latitude());
            Color at = new Color(img.getRGB((int) Math.round(p[0]), (int) Math.round(p[1])));
            assertColourNear(Charts.color(m.k()), at, "marker " + m.k());
        }
        double[] west = f.project(172, -19);
        double[] east = f.project(-175, -19);
        assertTrue(east[0] > west[0], "-175 lies east of 172 across the date line");
    }

    @Test
    void anEventDotIsCentredWithinAnEighthOfAPixelOfItsPosition() {
        // the ink's centroid against the requested centre, over sub-pixel positions; 1/8 is the stamps' rounding,
        // the rest of the margin the antialiased edge's own asymmetry
        EventDots dots = new EventDots();
        double worst = 0;
        for (int t = 0; t < 400; t++) {
            double x = 10 + t / 97.0;
            double y = 10 + (t * 7 % 400) / 131.0;
            BufferedImage img = new BufferedImage(30, 30, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 30, 30);
            dots.draw(g, Color.BLACK, x, y);
            g.dispose();
            double ink = 0;
            double cx = 0;
            double cy = 0;
            for (int i = 0; i < 30; i++) {
                for (int j = 0; j < 30; j++) {
                    double w = 255 - (img.getRGB(i, j) & 255);
                    ink += w;
                    cx += w * (i + 0.5);
                    cy += w * (j + 0.5);
                }
            }
            worst = Math.max(worst, Math.max(Math.abs(cx / ink - x), Math.abs(cy / ink - y)));
        }
        assertTrue(worst < 0.15, "worst centroid offset " + worst + " px");
    }

    @Test
    void aGlobalCatalogueShowsTheWholeWorld() {
        ClusterMapPlot.Extent e = ClusterMapPlot.Extent.of(new double[] {-150, 0, 120}, new double[] {60, 0, -40}, List.of());
        assertEquals(-180, e.lonMin());
        assertEquals(180, e.lonMax());
    }

    @Test
    void elboPlotRenders() throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(ElboPlot.render(new double[] {-10, -5, -4.5, -4.49}, "t")));
        assertEquals(900, img.getWidth());
    }

    private static void assertColourNear(Color expected, Color actual, String what) {
        int d = Math.abs(expected.getRed() - actual.getRed()) + Math.abs(expected.getGreen() - actual.getGreen())
                + Math.abs(expected.getBlue() - actual.getBlue());
        assertTrue(d < 30, what + ": expected " + expected + " but the pixel is " + actual);
    }
}
