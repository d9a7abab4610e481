package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

/**
 * assignments.parquet written straight from the blocks' columns reads back in Spark with the table's schema, and
 * every row holds what the kernel computes for that event, whatever the partitions (one empty, one of several
 * blocks, events with and without ids, multi-byte UTF-8 ids).
 */
class AssignmentsWriteTest {
    @TempDir
    Path dir;

    @Test
    void everyRowIsTheKernelsResponsibilitiesAndSparkReadsTheSchema() throws IOException {
        SparkSession spark = TestSpark.get();
        Random rnd = new Random(11);
        int k = 5;
        int d = 2;
        List<EventBlock> blocks = new ArrayList<>();
        long index = 0;
        for (int size : new int[] {700, 1, 0, 2300}) {
            EventBlock.Builder bb = new EventBlock.Builder(d, false, true);
            for (int i = 0; i < size; i++, index++) {
                String id = index % 7 == 3 ? null : (index % 5 == 0 ? "séisme-" : "us") + index;
                bb.add(new double[] {rnd.nextGaussian() * 3, rnd.nextGaussian() * 3}, rnd.nextInt(6), 1.0, -1.0, index,
                        id, 0L, 4.0, 10.0, 20.0);
            }
            blocks.add(bb.build());
        }
        double[] centers = new double[k * d];
        double[] ones = new double[k];
        double[] pi = new double[k];
        double[] shape = new double[k];
        for (int c = 0; c < k; c++) {
            centers[c * d] = 3 * Math.cos(c);
            centers[c * d + 1] = 3 * Math.sin(c);
            ones[c] = 1;
            pi[c] = 1.0 / k;
            shape[c] = 1 + c;
        }
        Hyperparameters h = new Hyperparameters(1.0, 0.1, new double[d], 2, 1, pi, PiPrior.FIXED, 1.0);
        VariationalParameters q = new VariationalParameters(k, d, centers, ones.clone(), shape, ones.clone(), null);
        CaviModel model = CaviModel.of(h, q, new CoordinateSystem(CoordinateSystem.Kind.IDENTITY, Double.NaN, Double.NaN, List.of("x", "y")), StrengthSpec.column("s"), null);
        // partitions: [700-event block, 1-event block], [], [2,300-event block]
        JavaRDD<EventBlock> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(0, 1, 2), 3)
                .mapPartitionsWithIndex((p, it) -> (p == 0 ? List.of(blocks.get(0), blocks.get(1))
                        : p == 1 ? List.<EventBlock>of() : List.of(blocks.get(3))).iterator(), true);
        String out = dir.resolve("assignments.parquet").toString();

        long written = Assignments.write(spark, rdd, model, out);

        assertEquals(3001, written);
        try (Stream<Path> files = Files.list(dir.resolve("assignments.parquet"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(List.of("_SUCCESS", "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"), names,
                    "one file per partition, no temporary files, no .crc files");
        }
        var table = spark.read().parquet(out);
        assertEquals(Assignments.SCHEMA.fieldNames().length, table.schema().fields().length);
        for (int i = 0; i < Assignments.SCHEMA.fields().length; i++) {
            assertEquals(Assignments.SCHEMA.fields()[i].name(), table.schema().fields()[i].name());
            // as with Spark's own writer, reading makes every column nullable: compare the types alone
            assertEquals(Assignments.SCHEMA.fields()[i].dataType().catalogString(),
                    table.schema().fields()[i].dataType().catalogString());
        }
        List<Row> rows = table.orderBy("index").collectAsList();
        assertEquals(3001, rows.size());
        ResponsibilityKernel kern = model.kernel();
        int row = 0;
        for (EventBlock b : blocks) {
            for (int n = 0; n < b.size; n++, row++) {
                Row r = rows.get(row);
                double[] expected = kern.responsibilities(b, n);
                int best = ClusterEvents.argmax(expected);
                assertEquals(b.idOf(n), r.getString(0));
                assertEquals(b.index[n], r.getLong(1));
                assertEquals(best, r.getInt(2));
                // the SIMD form exp(l − max)/Σ against the kernel's exp(l − logsumexp), whose subtraction carries
                // the rounding of logsumexp (an ulp of the logits' magnitude, about 1e-13 at |l| ~ 1000)
                assertEquals(expected[best], r.getDouble(3), 1e-12);
                List<Double> got = r.getList(4);
                assertEquals(k, got.size());
                for (int c = 0; c < k; c++) {
                    assertEquals(expected[c], got.get(c), 1e-12, "event " + b.index[n] + " cluster " + c);
                }
            }
        }
        assertTrue(rows.stream().anyMatch(r -> r.getString(0).startsWith("séisme-")));
        assertTrue(rows.stream().anyMatch(r -> r.getString(0).startsWith("#")));
    }
}
