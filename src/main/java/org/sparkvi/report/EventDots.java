package org.sparkvi.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;

/**
 * The map's event dots (5 px across, translucent, antialiased), drawn as small images rendered once per colour and
 * quarter-pixel offset: Java2D rasterises every filled ellipse anew (about 4 µs each warm, and a cold JVM's first
 * map of 50,000 events took over a second), while a stamp is a blit. A dot lands within an eighth of a pixel of
 * where an ellipse would be, with the same coverage and the same source-over blend.
 */
final class EventDots {
    static final double DIAMETER = 5;
    static final int ALPHA = 150;
    /** Positions per pixel in x and in y. */
    private static final int STEPS = 4;
    private static final int SIZE = (int) DIAMETER + 2;
    private final Map<Integer, BufferedImage[]> stamps = new HashMap<>();

    /** A dot of colour c centred at (x, y), in the graphics' pixel coordinates. */
    void draw(Graphics2D g, Color c, double x, double y) {
        // the corner rounded to the nearest 1/STEPS of a pixel, split into whole pixels and the stamp's offset
        long qx = Math.round((x - DIAMETER / 2) * STEPS);
        long qy = Math.round((y - DIAMETER / 2) * STEPS);
        int sx = (int) Math.floorMod(qx, (long) STEPS);
        int sy = (int) Math.floorMod(qy, (long) STEPS);
        g.drawImage(stamps.computeIfAbsent(c.getRGB(), rgb -> render(c))[sy * STEPS + sx],
                (int) Math.floorDiv(qx, (long) STEPS), (int) Math.floorDiv(qy, (long) STEPS), null);
    }

    /** The colour's dot at each offset (sx, sy)/STEPS from the stamp's corner. */
    private static BufferedImage[] render(Color c) {
        BufferedImage[] out = new BufferedImage[STEPS * STEPS];
        Color fill = new Color(c.getRed(), c.getGreen(), c.getBlue(), ALPHA);
        for (int sy = 0; sy < STEPS; sy++) {
            for (int sx = 0; sx < STEPS; sx++) {
                BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
                Graphics2D g = img.createGraphics();
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setColor(fill);
                g.fill(new Ellipse2D.Double((double) sx / STEPS, (double) sy / STEPS, DIAMETER, DIAMETER));
                g.dispose();
                out[sy * STEPS + sx] = img;
            }
        }
        return out;
    }
}
