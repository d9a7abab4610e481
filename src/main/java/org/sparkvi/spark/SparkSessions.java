package org.sparkvi.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Gets the SparkSession a job runs in. Under spark-submit the master comes from the submit command;
 * otherwise {@code --master} (default {@code local[*]}).
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession getOrCreate(String appName, String master) {
        SparkConf conf = new SparkConf(true);
        if (master != null && !master.isBlank()) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        conf.setIfMissing("spark.driver.host", "127.0.0.1");
        conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        conf.setIfMissing("spark.kryo.registrator", RecordKryoRegistrator.class.getName());
        // a barrier task waits this long at most for the others at the rendezvous (Spark's default is 365 days)
        conf.setIfMissing("spark.barrier.sync.timeout", "300s");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** Labels the Spark jobs started by {@code body} in the UI and event log: says what each stage is. */
    public static <T> T describe(SparkSession spark, String description, java.util.function.Supplier<T> body) {
        var sc = spark.sparkContext();
        String before = sc.getLocalProperty("spark.job.description");
        sc.setJobDescription(description);
        try {
            return body.get();
        } finally {
            sc.setLocalProperty("spark.job.description", before);
        }
    }

    public static void describe(SparkSession spark, String description, Runnable body) {
        describe(spark, description, () -> {
            body.run();
            return null;
        });
    }
}
