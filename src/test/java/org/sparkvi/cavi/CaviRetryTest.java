package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.FailedTaskCounter;
import org.sparkvi.TestSpark;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

/** The first attempt of every task fails on purpose; Spark's retries must give a bit-identical fit. */
class CaviRetryTest {
    @TempDir
    Path dir;

    @Test
    void retriedTasksGiveBitIdenticalResults() throws Exception {
        SparkSession spark = TestSpark.get();
        String catalogue = SyntheticParquet.identity(spark, dir, new SyntheticCatalogue(SparkCaviTest.CENTERS,
                SparkCaviTest.RATES, SparkCaviTest.PI, SparkCaviTest.TAU), 2, 8, 1500);
        CaviResult clean = fit(spark, catalogue, 3);
        FailedTaskCounter failures = new FailedTaskCounter();
        spark.sparkContext().addSparkListener(failures);
        spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "true");
        CaviResult retried;
        try {
            retried = fit(spark, catalogue, 3);
        } finally {
            spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().removeSparkListener(failures);
        }
        // parsing, seeding and every CAVI pass each lost the first attempt of each of their 3 tasks
        assertTrue(failures.injectedFailures() >= 3 * 10, "injected failures: " + failures.injectedFailures());
        assertEquals(clean.best().elbo(), retried.best().elbo(), 0.0);
        assertEquals(clean.best().elboTrace(), retried.best().elboTrace());
        assertArrayEquals(clean.model().mean(), retried.model().mean(), 0.0);
        assertArrayEquals(clean.model().lambdaShape(), retried.model().lambdaShape(), 0.0);
        assertArrayEquals(clean.model().lambdaRate(), retried.model().lambdaRate(), 0.0);
    }

    /** K = 4, two restarts, over a 2-D identity-coordinates catalogue of SyntheticParquet read as {@code partitions}. */
    static CaviResult fit(SparkSession spark, String catalogue, int partitions) {
        LoadedCatalogue cat = CatalogueLoader.load(spark, new CatalogueLoader.Request(catalogue, null,
                new CoordinateSystem(CoordinateSystem.Kind.IDENTITY, Double.NaN, Double.NaN, List.of("a", "b")),
                StrengthSpec.column("s"), null, partitions, true));
        try {
            return new CaviEstimator(CaviOptions.defaults().withK(4).withRestarts(2), HyperparameterSpec.defaults(),
                    CaviListener.NONE).fit(spark, cat.blocks(), cat.used(), cat.coords(), StrengthSpec.column("s"), null, null);
        } finally {
            cat.release();
        }
    }
}
