package org.sparkvi.report;

import org.sparkvi.io.Json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Land polygons of Natural Earth's 1:110m map (public domain), as shipped in TopoJSON by vega-datasets
 * (world-110m.json): arcs are quantised and delta-encoded, and a polygon ring is a list of arc indices
 * (~i = arc i reversed), whose shared end points are not repeated.
 */
public final class Coastlines {
    private static List<List<double[]>> rings;

    private Coastlines() {
    }

    /** The land rings as {longitude, latitude} points, read once from the classpath. */
    public static synchronized List<List<double[]>> landRings() {
        if (rings == null) {
            try (InputStream in = Coastlines.class.getResourceAsStream("world-110m.json")) {
                rings = decode(Json.MAPPER.readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read world-110m.json", e);
            }
        }
        return rings;
    }

    static List<List<double[]>> decode(JsonNode topo) {
        double sx = topo.at("/transform/scale/0").asDouble();
        double sy = topo.at("/transform/scale/1").asDouble();
        double tx = topo.at("/transform/translate/0").asDouble();
        double ty = topo.at("/transform/translate/1").asDouble();
        List<List<double[]>> arcs = new ArrayList<>();
        for (JsonNode arc : topo.get("arcs")) {
            List<double[]> pts = new ArrayList<>();
            long x = 0;
            long y = 0;
            for (JsonNode p : arc) {
                x += p.get(0).asLong();
                y += p.get(1).asLong();
                pts.add(new double[] {x * sx + tx, y * sy + ty});
            }
            arcs.add(pts);
        }
        List<List<double[]>> out = new ArrayList<>();
        for (JsonNode polygon : topo.at("/objects/land/arcs")) {
            for (JsonNode ring : polygon) {
                List<double[]> pts = new ArrayList<>();
                for (JsonNode a : ring) {
                    int i = a.asInt();
                    List<double[]> arc = arcs.get(i >= 0 ? i : ~i);
                    List<double[]> ordered = new ArrayList<>(arc);
                    if (i < 0) {
                        java.util.Collections.reverse(ordered);
                    }
                    pts.addAll(pts.isEmpty() ? ordered : ordered.subList(1, ordered.size()));
                }
                out.add(pts);
            }
        }
        return out;
    }
}
