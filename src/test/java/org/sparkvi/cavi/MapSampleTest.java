package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparkvi.TestSpark;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;
import org.sparkvi.random.CounterRandom;

/**
 * The map's events, taken by the final E-step: by their definition (every event whose uniform (seed, 99, index) is
 * at most limit / used, with its latitude, longitude and most likely cluster under the model), in catalogue order,
 * and the same whatever the partitioning and whether the passes are Spark jobs or the driver's.
 */
class MapSampleTest {
    private static final String CATALOGUE = "data/earthquakes.parquet";

    @Test
    void theFinalEStepTakesTheSampleByItsDefinition() {
        SparkSession spark = TestSpark.get();
        LoadedCatalogue cat = load(spark, 3);
        try {
            CaviResult r = fit(spark, cat);
            CaviModel model = r.model();
            ResponsibilityKernel kernel = model.kernel();
            List<EventBlock> blocks = new ArrayList<>();
            cat.blocks().glom().collect().forEach(blocks::addAll);
            int limit = 300; // of the bundled week's ~1,600 events: about one in five
            MapSample.Rule rule = MapSample.Rule.of(cat.used(), limit, 7L, cat.coords());
            List<double[]> expected = new ArrayList<>();
            for (EventBlock b : blocks) {
                for (int n = 0; n < b.size; n++) {
                    if (CounterRandom.uniform(7L, 99, b.index[n]) <= (double) limit / cat.used()) {
                        double[] latLon = cat.coords().toLatLon(b.location(n));
                        expected.add(new double[] {latLon[1], latLon[0], ClusterEvents.argmax(kernel.responsibilities(b, n)),
                                b.index[n]});
                    }
                }
            }
            expected.sort(java.util.Comparator.comparingDouble(e -> e[3]));
            // the partitions' aggregators merged in order, as the final E-step's tree does
            ClusterEvents merged = new ClusterEvents(model.k(), rule);
            for (List<EventBlock> partition : cat.blocks().glom().collect()) {
                ClusterEvents part = new ClusterEvents(model.k(), rule);
                partition.forEach(b -> part.add(b, kernel));
                merged.merge(part);
            }
            MapSample got = merged.mapSample();
            assertTrue(expected.size() > limit / 2 && expected.size() < 2 * limit, expected.size() + " events kept");
            assertEquals(expected.size(), got.cluster().length);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i)[0], got.longitude()[i], 1e-9, "longitude of sampled event " + i);
                assertEquals(expected.get(i)[1], got.latitude()[i], 1e-9, "latitude of sampled event " + i);
                assertEquals((int) expected.get(i)[2], got.cluster()[i], "cluster of sampled event " + i);
            }
            // the fit's own sample: every event of the week (50,000 > events used)
            assertEquals(cat.used(), r.clusterEvents().mapSample().cluster().length);
        } finally {
            cat.release();
        }
    }

    @Test
    void theSampleIsTheSameForOneThreeAndEightPartitionsAndOnTheDriver() {
        SparkSession spark = TestSpark.get();
        MapSample reference = null;
        int[][] runs = {{1, 0}, {3, 0}, {3, 1}, {8, 0}}; // partitions, passes on the driver's threads
        for (int[] run : runs) {
            int partitions = run[0];
            boolean inProcess = run[1] == 1;
            spark.conf().set(CaviEstimator.IN_PROCESS_SETTING, String.valueOf(inProcess));
            LoadedCatalogue cat = load(spark, partitions);
            MapSample s;
            try {
                s = fit(spark, cat).clusterEvents().mapSample();
            } finally {
                cat.release();
                spark.conf().set(CaviEstimator.IN_PROCESS_SETTING, "false");
            }
            if (reference == null) {
                reference = s;
                assertTrue(s.cluster().length > 1000, s.cluster().length + " events");
            }
            String where = partitions + " partitions, in process " + inProcess;
            assertArrayEquals(reference.longitude(), s.longitude(), 1e-9, where);
            assertArrayEquals(reference.latitude(), s.latitude(), 1e-9, where);
            assertArrayEquals(reference.cluster(), s.cluster(), where);
        }
    }

    private static LoadedCatalogue load(SparkSession spark, int partitions) {
        return CatalogueLoader.load(spark, new CatalogueLoader.Request(CATALOGUE, null,
                CoordinateSystem.of(CoordinateSystem.Kind.ECEF), StrengthSpec.parse("mag10", null), null, partitions, true));
    }

    private static CaviResult fit(SparkSession spark, LoadedCatalogue cat) {
        return new CaviEstimator(CaviOptions.defaults().withK(4).withRestarts(1), HyperparameterSpec.defaults(),
                CaviListener.NONE).fit(spark, cat.blocks(), cat.used(), cat.coords(), StrengthSpec.parse("mag10", null),
                null, null);
    }
}
