package org.sparkvi.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparkvi.TestSpark;

/** The library calls give the command's Dataset: the same columns, and values keyed by (seed, index) only. */
class SamplersTest {
    @Test
    void theSameDrawsForAnyPartitioningAndTheCommandsColumns() {
        SparkSession spark = TestSpark.get();
        Dataset<Row> one = Samplers.exponential(spark, 2.0, 1000, 7, 1);
        Dataset<Row> five = Samplers.exponential(spark, 2.0, 1000, 7, 5);
        assertEquals(List.of("index", "direct", "reparameterized"), List.of(one.columns()));
        assertEquals(one.orderBy("index").collectAsList(), five.orderBy("index").collectAsList());
        assertEquals(SampleJob.dataset(spark, new Law.Exponential(2.0), 1000, 3, 7).orderBy("index").collectAsList(),
                one.orderBy("index").collectAsList());
        Row first = one.orderBy("index").first();
        // the inverse CDF by hand: −log(1 − u)/λ with the same counter-based uniform
        assertEquals(new Draws(new Law.Exponential(2.0), 7).reparameterizedContinuous(0), first.getDouble(2));
        Dataset<Row> cat = Samplers.categorical(spark, new double[] {0.2, 0.8}, 0.5, 100, 1, 2);
        assertEquals(List.of("index", "direct", "reparameterized", "relaxed"), List.of(cat.columns()));
        assertEquals(100, Samplers.normal(spark, 1, 2, 100, 3, 4).count());
        assertThrows(IllegalArgumentException.class, () -> Samplers.normal(spark, 0, -1, 10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Samplers.exponential(spark, 1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Samplers.exponential(spark, 1, 10, 1, 0));
    }
}
