package org.sparkvi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkvi.TestSpark;

/**
 * The merge order is the partitions' index order whatever order the tasks finish in, on both paths (one job up to
 * fanIn partitions, a tree of shuffles above). The values are chosen so that floating-point addition in another
 * order gives other bits: partition p holds one value, ±2^(p mod 5 · 13) + p/7, so partial sums lose different
 * low bits depending on what they are added to. Tasks sleep longer the lower their index, so they finish in
 * reverse order.
 */
class OrderedTreeAggregateTest {
    private static final int PARTITIONS = 12;

    private static double value(int p) {
        return (p % 2 == 0 ? 1 : -1) * Math.scalb(1.0, (p % 5) * 13) + p / 7.0;
    }

    private static double aggregate(int fanIn) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            parts.add(p);
        }
        JavaRDD<Integer> rdd = jsc.parallelize(parts, PARTITIONS);
        double[] sum = OrderedTreeAggregate.aggregate(rdd, () -> new double[1], (acc, p) -> {
            Thread.sleep(15L * (PARTITIONS - TaskContext.getPartitionId()));
            return add(acc, p);
        }, OrderedTreeAggregateTest::merge, fanIn);
        return sum[0];
    }

    private static double[] add(double[] acc, int p) {
        acc[0] += value(p);
        return acc;
    }

    private static double[] merge(double[] a, double[] b) {
        a[0] += b[0];
        return a;
    }

    @Test
    void oneJobMergesInPartitionOrder() {
        double expected = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            expected += value(p);
        }
        double reversed = 0;
        for (int p = PARTITIONS - 1; p >= 0; p--) {
            reversed += value(p);
        }
        assertNotEquals(expected, reversed, "the values must tell the orders apart");
        for (int run = 0; run < 3; run++) {
            assertEquals(expected, aggregate(64), 0.0);
        }
    }

    @Test
    void treeMergesGroupsInPartitionOrder() {
        // fanIn 4: groups {0..3}, {4..7}, {8..11} each folded from zero, then the three folded in order
        double expected = 0;
        for (int g = 0; g < PARTITIONS / 4; g++) {
            double group = 0;
            for (int p = 4 * g; p < 4 * g + 4; p++) {
                group += value(p);
            }
            expected += group;
        }
        for (int run = 0; run < 2; run++) {
            assertEquals(expected, aggregate(4), 0.0);
        }
    }

    @Test
    void inMemoryGivesTheSameBitsAsTheRddPathOnBothPaths() {
        List<List<Integer>> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(List.of(p));
        }
        for (int fanIn : new int[] {64, 4, 3, 2}) {
            double[] sum = OrderedTreeAggregate.inMemory(partitions, () -> new double[1], OrderedTreeAggregateTest::add,
                    OrderedTreeAggregateTest::merge, fanIn);
            assertEquals(aggregate(fanIn), sum[0], 0.0, "fanIn " + fanIn);
        }
    }

    @Test
    void aFailingFoldFailsTheJobWithItsMessage() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        JavaRDD<Integer> rdd = jsc.parallelize(List.of(1, 2, 3, 4), 2);
        SparkException e = assertThrows(SparkException.class, () -> OrderedTreeAggregate.aggregate(rdd,
                () -> new double[1], (acc, x) -> {
                    if (x == 3) {
                        throw new java.io.IOException("record 3 is unreadable");
                    }
                    return acc;
                }, (a, b) -> a, 64));
        assertTrue(e.getMessage().contains("record 3 is unreadable"), e.getMessage());
    }
}
