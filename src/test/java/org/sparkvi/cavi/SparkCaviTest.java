package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

/** The whole fit on Spark: partition invariance, recovery of known parameters, the Dirichlet option. */
class SparkCaviTest {
    static final double TAU = 4.0;
    static final double[] CENTERS = {0, 0, 10, 0, 0, 10, 10, 10};
    static final double[] RATES = {2, 8, 20, 45};
    static final double[] PI = {0.4, 0.3, 0.2, 0.1};

    @TempDir
    static Path dir;
    static String catalogue;
    static SparkSession spark;

    @BeforeAll
    static void data() {
        spark = TestSpark.get();
        catalogue = SyntheticParquet.identity(spark, dir, new SyntheticCatalogue(CENTERS, RATES, PI, TAU), 2, 3, 4000);
    }

    static LoadedCatalogue load(int partitions) {
        return CatalogueLoader.load(spark, new CatalogueLoader.Request(catalogue, null,
                new CoordinateSystem(CoordinateSystem.Kind.IDENTITY, Double.NaN, Double.NaN, List.of("a", "b")),
                StrengthSpec.column("s"), null, partitions, true));
    }

    static CaviResult fit(LoadedCatalogue cat, CaviOptions o, HyperparameterSpec spec) {
        return new CaviEstimator(o, spec, CaviListener.NONE).fit(spark, cat.blocks(), cat.used(), cat.coords(),
                StrengthSpec.column("s"), null, null);
    }

    @Test
    void sameResultFor1_3And8Partitions() {
        CaviOptions o = CaviOptions.defaults().withK(4).withRestarts(2).withMaxIter(60);
        CaviResult ref = null;
        for (int p : new int[] {1, 3, 8}) {
            LoadedCatalogue cat = load(p);
            assertEquals(p, cat.blocks().getNumPartitions());
            CaviResult r = fit(cat, o, HyperparameterSpec.defaults());
            cat.release();
            if (ref == null) {
                ref = r;
                continue;
            }
            assertEquals(ref.best().elboTrace().size(), r.best().elboTrace().size(), "iterations for " + p + " partitions");
            assertEquals(ref.best().elbo(), r.best().elbo(), 1e-9 * Math.abs(ref.best().elbo()));
            assertClose(ref.model().mean(), r.model().mean(), 1e-9);
            assertClose(ref.model().rhoStar(), r.model().rhoStar(), 1e-9);
            assertClose(ref.model().lambdaShape(), r.model().lambdaShape(), 1e-9);
            assertClose(ref.model().lambdaRate(), r.model().lambdaRate(), 1e-9);
        }
    }

    @Test
    void recoversTheTrueCentresAndRates() {
        LoadedCatalogue cat = load(4);
        HyperparameterSpec spec = new HyperparameterSpec(TAU, null, null, null, null, null, PiPrior.FIXED, null);
        CaviResult r = fit(cat, CaviOptions.defaults().withK(4), spec);
        cat.release();
        assertTrue(r.best().converged());
        // match each true cluster to the nearest fitted centre: independent of label order
        boolean[] used = new boolean[4];
        for (int t = 0; t < 4; t++) {
            int best = -1;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int c = 0; c < 4; c++) {
                double[] m = r.model().mean(c);
                double dist = Math.hypot(m[0] - CENTERS[2 * t], m[1] - CENTERS[2 * t + 1]);
                if (dist < bestDist) {
                    bestDist = dist;
                    best = c;
                }
            }
            assertTrue(!used[best], "two true clusters matched fitted cluster " + best);
            used[best] = true;
            // the spread is 1/sqrt(tau) = 0.5 and each cluster has >= 400 events: the mean is within 0.1 (4 sd)
            assertTrue(bestDist < 0.1, "centre " + t + " recovered within " + bestDist);
            double lambda = r.model().lambdaShape()[best] / r.model().lambdaRate()[best];
            assertEquals(RATES[t], lambda, 0.05 * RATES[t], "rate of cluster " + t);
            double weight = r.clusterEvents().expectedCount(best) / 4000;
            assertEquals(PI[t], weight, 0.03, "weight of cluster " + t);
        }
    }

    @Test
    void dirichletPriorEmptiesSurplusClusters() {
        LoadedCatalogue cat = load(4);
        HyperparameterSpec spec = new HyperparameterSpec(TAU, null, null, null, null, null, PiPrior.DIRICHLET, 1e-3);
        CaviResult r = fit(cat, CaviOptions.defaults().withK(8).withRestarts(2), spec);
        cat.release();
        int occupied = 0;
        for (int c = 0; c < 8; c++) {
            if (r.clusterEvents().expectedCount(c) > 40) { // 1% of the events
                occupied++;
            }
        }
        assertEquals(4, occupied, "clusters holding more than 1% of the events");
        double[] eLogPi = r.model().parameters().expectedLogPi(r.model().hyperparameters());
        assertTrue(eLogPi[7] < Math.log(1e-3), "an emptied cluster has a negligible expected weight");
    }

    @Test
    void mllibKMeansParallelInitialisationAlsoRecoversTheClusters() {
        LoadedCatalogue cat = load(4);
        HyperparameterSpec spec = new HyperparameterSpec(TAU, null, null, null, null, null, PiPrior.FIXED, null);
        CaviOptions o = new CaviOptions(4, 200, 1e-8, 7, 1, CaviOptions.Init.KMEANS_PARALLEL);
        CaviResult r = fit(cat, o, spec);
        cat.release();
        for (int t = 0; t < 4; t++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < 4; c++) {
                double[] m = r.model().mean(c);
                best = Math.min(best, Math.hypot(m[0] - CENTERS[2 * t], m[1] - CENTERS[2 * t + 1]));
            }
            assertTrue(best < 0.1, "centre " + t + " recovered within " + best);
        }
    }

    static void assertClose(double[] a, double[] b, double rel) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], rel * Math.max(1, Math.abs(a[i])), "element " + i);
        }
    }
}
