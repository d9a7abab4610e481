package org.sparkvi.bench;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.random.CounterRandom;

/**
 * A catalogue with ComCat's columns (id, time, latitude, longitude, depth, mag, nst) that looks like a year of global
 * seismicity: events along ten plate boundaries (trenches, a ridge, a collision zone) scattered ~50 km about them,
 * mostly shallow with a share down the slabs of subduction zones (to 700 km under Tonga), magnitudes from a
 * Gutenberg–Richter law (b = 1 above M 2.5, to 0.1), nst growing with magnitude. Every value is a function of
 * (seed, index), so a catalogue is the same whatever the number of files.
 */
public final class SyntheticComCat {
    /** Polylines (lat, lon pairs), the deepest slab depth in km (0: no slab), and the share of events. */
    record Boundary(double[] points, double slabKm, double share) {
    }

    static final List<Boundary> BOUNDARIES = List.of(
            new Boundary(new double[] {45, 150, 35, 142, 31, 131}, 600, 0.16),          // Kuril–Japan
            new Boundary(new double[] {52, -175, 55, -160, 60, -150}, 250, 0.10),        // Aleutians, Alaska
            new Boundary(new double[] {48, -126, 40, -124, 35, -120, 32, -116}, 0, 0.16), // Cascadia, California
            new Boundary(new double[] {18, -105, 13, -90, 8, -83}, 250, 0.07),           // Central America
            new Boundary(new double[] {5, -78, -15, -75, -33, -72, -45, -75}, 600, 0.12), // Andes
            new Boundary(new double[] {-15, -173, -25, -176, -35, -179}, 700, 0.09),     // Tonga–Kermadec
            new Boundary(new double[] {5, 95, -5, 103, -9, 115, -8, 125}, 600, 0.12),    // Sunda
            new Boundary(new double[] {35, 70, 30, 80, 27, 92}, 0, 0.07),                // Himalaya
            new Boundary(new double[] {60, -30, 30, -42, 0, -20, -30, -14}, 0, 0.05),    // Mid-Atlantic ridge
            new Boundary(new double[] {38, 15, 38, 25, 39, 40}, 0, 0.06));               // Mediterranean–Anatolia

    public static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType, false)
            .add("time", DataTypes.TimestampType, false).add("latitude", DataTypes.DoubleType, false)
            .add("longitude", DataTypes.DoubleType, false).add("depth", DataTypes.DoubleType, false)
            .add("mag", DataTypes.DoubleType, false).add("nst", DataTypes.IntegerType, false);
    static final long YEAR_START = 1_735_689_600_000L; // 2025-01-01T00:00:00Z

    private SyntheticComCat() {
    }

    /** Writes n events as {@code files} Parquet files at path (replacing it). */
    public static void write(SparkSession spark, String path, long n, int files, long seed) {
        MapPartitionsFunction<Long, Row> events = it -> {
            List<Row> rows = new ArrayList<>();
            it.forEachRemaining(i -> rows.add(event(seed, i)));
            return rows.iterator();
        };
        spark.range(0, n, 1, files).as(Encoders.LONG()).mapPartitions(events, Encoders.row(SCHEMA))
                .write().mode(SaveMode.Overwrite).parquet(path);
    }

    static Row event(long seed, long i) {
        double u = CounterRandom.uniform(seed, 1, i);
        Boundary b = BOUNDARIES.get(BOUNDARIES.size() - 1);
        double acc = 0;
        for (Boundary candidate : BOUNDARIES) {
            acc += candidate.share();
            if (u < acc) {
                b = candidate;
                break;
            }
        }
        int segments = b.points().length / 2 - 1;
        double along = CounterRandom.uniform(seed, 2, i) * segments;
        int s = Math.min(segments - 1, (int) along);
        double f = along - s;
        double[] p = b.points();
        double lat = p[2 * s] + f * (p[2 * s + 2] - p[2 * s]) + 0.45 * CounterRandom.normal(seed, 3, i);
        double lon = p[2 * s + 1] + f * (p[2 * s + 3] - p[2 * s + 1]) + 0.45 * CounterRandom.normal(seed, 4, i);
        lat = Math.max(-90, Math.min(90, lat));
        lon = ((lon + 180) % 360 + 360) % 360 - 180;
        boolean slab = b.slabKm() > 0 && CounterRandom.uniform(seed, 5, i) < 0.2;
        double depth = slab ? 40 + (b.slabKm() - 40) * CounterRandom.uniform(seed, 6, i)
                : -15 * Math.log(CounterRandom.uniformComplement(seed, 6, i)) - 2;
        // Gutenberg–Richter: P(M > m) = 10^(−b (m − 2.5)), b = 1
        double mag = Math.round((2.5 - Math.log10(CounterRandom.uniformComplement(seed, 7, i))) * 10) / 10.0;
        int nst = (int) Math.round(4 + 12 * (mag - 2.5) + 3 * CounterRandom.uniform(seed, 8, i));
        long time = YEAR_START + (long) (CounterRandom.uniform(seed, 9, i) * 365 * 86_400_000L);
        return RowFactory.create("sv" + i, new Timestamp(time), Math.round(lat * 1e4) / 1e4,
                Math.round(lon * 1e4) / 1e4, Math.round(depth * 100) / 100.0, mag, nst);
    }
}
