package org.sparkvi.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a barrier stage on its own, as the map side of a tiny shuffle that no result stage reads
 * ({@code SparkContext.submitMapStage}): Spark relaunches a failed shuffle-map stage whole, where a barrier result
 * stage with a finished task cannot be recovered, and no second stage runs after it. The tasks' results reach the
 * caller some other way (memory, a blob store); each task returns only a small number (its rank or attempt).
 */
public final class BarrierMapStage {
    private BarrierMapStage() {
    }

    /**
     * Runs {@code task} over the partitions of {@code input} as one barrier stage described as {@code description},
     * and returns when every task has finished (rethrowing the stage's failure).
     */
    public static <T> void run(SparkSession spark, JavaRDD<T> input, String description,
                               scala.Function1<scala.collection.Iterator<T>, scala.collection.Iterator<Integer>> task) {
        var tag = scala.reflect.ClassTag$.MODULE$.<Integer>apply(Integer.class);
        var dependency = (ShuffleDependency<?, ?, ?>) new JavaRDD<>(input.rdd().barrier().mapPartitions(task, false, tag),
                tag).mapToPair(r -> new scala.Tuple2<>(r, r)).partitionBy(new HashPartitioner(1)).rdd().dependencies()
                .head();
        SparkSessions.describe(spark, description, () -> {
            try {
                return spark.sparkContext().submitMapStage(dependency).get();
            } catch (Exception e) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
            }
        });
    }
}
