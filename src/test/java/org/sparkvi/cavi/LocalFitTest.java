package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;

/**
 * A catalogue fitted on the driver gives the same bits as the fit on the executors, for 1, 3 and 8 partitions:
 * every ELBO of every restart, the means, the Gamma parameters, the moments and the final E-step's counts; and
 * only the read and the hand-over of the blocks are Spark jobs. Both ways to the driver: blocks collected (a small
 * catalogue, {@link CaviEstimator#LOCAL_FIT_SETTING}) and, in local mode, the cached blocks themselves passed over
 * on the driver's threads ({@link CaviEstimator#IN_PROCESS_SETTING}).
 */
class LocalFitTest {
    @TempDir
    Path dir;

    @Test
    void driverFitEqualsExecutorFitBitForBit() throws Exception {
        driverFitEqualsExecutorFit(false, "Collect the");
    }

    @Test
    void inProcessFitOverTheCachedBlocksEqualsExecutorFitBitForBit() throws Exception {
        driverFitEqualsExecutorFit(true, "Hand the");
    }

    private void driverFitEqualsExecutorFit(boolean inProcess, String handOver) throws Exception {
        SparkSession spark = TestSpark.get();
        String catalogue = SyntheticParquet.identity(spark, dir, new SyntheticCatalogue(SparkCaviTest.CENTERS,
                SparkCaviTest.RATES, SparkCaviTest.PI, SparkCaviTest.TAU), 2, 11, 3000);
        for (int partitions : new int[] {1, 3, 8}) {
            CaviResult executors = fit(spark, catalogue, partitions, "0", false);
            JobCounter jobs = new JobCounter();
            spark.sparkContext().addSparkListener(jobs);
            CaviResult driver;
            try {
                driver = fit(spark, catalogue, partitions, inProcess ? "0" : null, inProcess);
            } finally {
                spark.sparkContext().listenerBus().waitUntilEmpty();
                spark.sparkContext().removeSparkListener(jobs);
            }
            assertEquals(executors.restarts().size(), driver.restarts().size());
            for (int r = 0; r < executors.restarts().size(); r++) {
                assertEquals(executors.restarts().get(r).elboTrace(), driver.restarts().get(r).elboTrace(),
                        partitions + " partitions, restart " + r);
            }
            assertArrayEquals(executors.model().mean(), driver.model().mean(), 0.0);
            assertArrayEquals(executors.model().lambdaShape(), driver.model().lambdaShape(), 0.0);
            assertArrayEquals(executors.model().lambdaRate(), driver.model().lambdaRate(), 0.0);
            assertArrayEquals(executors.clusterEvents().expectedCount, driver.clusterEvents().expectedCount, 0.0);
            assertEquals(executors.moments().totalWeight(), driver.moments().totalWeight(), 0.0);
            assertArrayEquals(executors.moments().mean(), driver.moments().mean(), 0.0);
            assertArrayEquals(executors.clusterEvents().events, driver.clusterEvents().events);
            assertArrayEquals(executors.clusterEvents().largestMag, driver.clusterEvents().largestMag, 0.0);
            assertArrayEquals(executors.moments().squares, driver.moments().squares, 0.0);
            // the read and the one collect; no moments, pass, seeding step or final E-step is a job
            List<String> descriptions = jobs.descriptions;
            assertTrue(descriptions.stream().noneMatch(d -> d != null && (d.startsWith("CAVI restart")
                    || d.startsWith("k-means++") || d.startsWith("Moments") || d.startsWith("Final E-step"))),
                    descriptions.toString());
            assertTrue(descriptions.stream().anyMatch(d -> d != null && d.startsWith(handOver)), descriptions.toString());
        }
    }

    private static CaviResult fit(SparkSession spark, String catalogue, int partitions, String localFitMaxEvents,
                                  boolean inProcess) {
        spark.conf().set(CaviEstimator.IN_PROCESS_SETTING, String.valueOf(inProcess));
        if (localFitMaxEvents == null) {
            spark.conf().unset(CaviEstimator.LOCAL_FIT_SETTING);
        } else {
            spark.conf().set(CaviEstimator.LOCAL_FIT_SETTING, localFitMaxEvents);
        }
        try {
            return CaviRetryTest.fit(spark, catalogue, partitions);
        } finally {
            spark.conf().set(CaviEstimator.LOCAL_FIT_SETTING, "0");
            spark.conf().set(CaviEstimator.IN_PROCESS_SETTING, "false");
        }
    }

    private static final class JobCounter extends SparkListener {
        final List<String> descriptions = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            descriptions.add(start.properties().getProperty("spark.job.description"));
        }
    }
}
