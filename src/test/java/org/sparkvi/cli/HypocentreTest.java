package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.Json;

/** Hypocentre coordinates: the transform against its definition, and a deep slab under shallow events told apart. */
class HypocentreTest {
    @TempDir
    static Path dir;
    static final double R = CoordinateSystem.EARTH_RADIUS_KM;

    @Test
    void transformIsTheEarthCentredPointAtRadiusRMinusDepth() {
        CoordinateSystem h = CoordinateSystem.of(CoordinateSystem.Kind.HYPOCENTER);
        CoordinateSystem ecef = CoordinateSystem.of(CoordinateSystem.Kind.ECEF);
        Random rnd = new Random(7);
        for (int i = 0; i < 1000; i++) {
            double lat = rnd.nextDouble() * 180 - 90;
            double lon = rnd.nextDouble() * 360 - 180;
            double depth = rnd.nextDouble() * 710 - 10;
            double[] x = new double[3];
            double[] surface = new double[3];
            assertEquals(0.0, h.toModel(lat, lon, depth, null, x), "unit Jacobian");
            ecef.toModel(lat, lon, null, surface);
            double norm = Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
            assertEquals(R - depth, norm, 1e-9 * R);
            for (int j = 0; j < 3; j++) {
                // same direction as the epicentre: x = (R − d)/R · ECEF(epicentre)
                assertEquals(surface[j] * (R - depth) / R, x[j], 1e-9 * R);
            }
            assertEquals(depth, h.depthKm(x), 1e-8);
            double[] ll = h.toLatLon(x);
            assertEquals(lat, ll[0], 1e-9);
            if (Math.abs(lat) < 89.9) {
                assertEquals(0, CoordinateSystem.wrapDegrees(lon - ll[1]), 1e-9);
            }
        }
        assertNull(ecef.depthKm(new double[] {R, 0, 0}));
    }

    @Test
    void aDeepSlabUnderShallowEventsIsItsOwnClusterAndEventsWithoutDepthAreQuarantined() throws Exception {
        SparkSession spark = TestSpark.get();
        Random rnd = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            boolean deep = i % 2 == 0;
            // Tonga: one epicentral patch, 15 km deep or 600 km deep
            double depth = deep ? 600 + 10 * rnd.nextGaussian() : Math.max(-4.5, 15 + 5 * rnd.nextGaussian());
            rows.add(RowFactory.create("e" + i, -21 + 0.2 * rnd.nextGaussian(), -175 + 0.2 * rnd.nextGaussian(), depth,
                    4.0 + 0.3 * rnd.nextGaussian()));
        }
        rows.add(RowFactory.create("above-sea-level", -21.0, -175.0, -3.0, 4.0));
        rows.add(RowFactory.create("no-depth", -21.0, -175.0, null, 4.0));
        StructType schema = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
                .add("longitude", DataTypes.DoubleType).add("depth", DataTypes.DoubleType).add("mag", DataTypes.DoubleType);
        String cat = dir.resolve("tonga.parquet").toString();
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(cat);
        Path out = dir.resolve("hypo");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "cavi", "--input", cat,
                "--output", out.toString(), "--coords", "hypocenter", "--k", "2");
        assertEquals(0, code, err.toString());
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(401, s.get("n_used").asLong());
        assertEquals(1, s.get("n_rejected").get("by_reason").get("missing_depth").asLong());
        List<Double> depths = new ArrayList<>();
        for (JsonNode c : s.get("clusters")) {
            depths.add(c.get("depth_km").asDouble());
            assertEquals(200, c.get("n_events").asLong(), 1.0);
        }
        depths.sort(Double::compare);
        assertEquals(15, depths.get(0), 3.0, "the shallow cluster's depth");
        assertEquals(600, depths.get(1), 3.0, "the slab's depth");
    }
}
