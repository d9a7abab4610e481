package org.sparkvi.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What one {@code BarrierTaskContext.allGather} and one {@code barrier()} cost here: a barrier stage of P tasks calls
 * each {@code calls} times in a row; the median over calls of the slowest task's time (ms). The reason the socket
 * engine calls allGather once per epoch and neither inside its step loop.
 */
final class BarrierCallCost {
    private BarrierCallCost() {
    }

    /** {median allGather ms, median barrier ms}. */
    static double[] measure(SparkSession spark, int partitions, int calls) {
        List<Integer> seeds = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            seeds.add(p);
        }
        scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>> task =
                (scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>>
                        & java.io.Serializable) it -> {
                    BarrierTaskContext tc = BarrierTaskContext.get();
                    double[] ms = new double[2 * calls];
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        tc.allGather("x");
                        long t1 = System.nanoTime();
                        tc.barrier();
                        ms[i] = (t1 - t0) / 1e6;
                        ms[calls + i] = (System.nanoTime() - t1) / 1e6;
                    }
                    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(ms).iterator());
                };
        var tag = scala.reflect.ClassTag$.MODULE$.<double[]>apply(double[].class);
        List<double[]> per = new org.apache.spark.api.java.JavaRDD<>(JavaSparkContext.fromSparkContext(
                spark.sparkContext()).parallelize(seeds, partitions).rdd().barrier().mapPartitions(task, false, tag), tag)
                .collect();
        double[] gather = new double[calls];
        double[] barrier = new double[calls];
        for (double[] ms : per) {
            for (int i = 0; i < calls; i++) {
                gather[i] = Math.max(gather[i], ms[i]);
                barrier[i] = Math.max(barrier[i], ms[calls + i]);
            }
        }
        return new double[] {Medians.of(gather), Medians.of(barrier)};
    }
}
