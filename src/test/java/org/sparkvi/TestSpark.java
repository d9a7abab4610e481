package org.sparkvi;

import org.apache.spark.sql.SparkSession;

/**
 * One local SparkSession per test JVM (starting one costs seconds); local[4,3]: a failed task is tried up to 3 times.
 * Every CAVI fit runs on the executors, however small its catalogue (the tests' catalogues are small, and it is the
 * Spark path they exist to check); {@code LocalFitTest} sets the driver-side fit back on where it checks it.
 */
public final class TestSpark {
    private static SparkSession spark;

    private TestSpark() {
    }

    public static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[4,3]").appName("sparkvi-tests")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1").config("spark.barrier.sync.timeout", "120s")
                    .config(org.sparkvi.cavi.CaviEstimator.LOCAL_FIT_SETTING, "0")
                    .config(org.sparkvi.cavi.CaviEstimator.IN_PROCESS_SETTING, "false").config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
        }
        return spark;
    }
}
