package org.sparkvi.cavi;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.sparkvi.spark.Broadcasts;
import org.sparkvi.io.ColumnarParquetFile;

/** Each event's cluster under a model: id, catalogue index, most likely cluster, its probability, all responsibilities. */
public final class Assignments {
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("index", DataTypes.LongType, false)
            .add("cluster", DataTypes.IntegerType, false)
            .add("probability", DataTypes.DoubleType, false)
            .add("responsibilities", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private Assignments() {
    }

    /**
     * Writes the table to the folder {@code dir} as Parquet, one file per partition ({@code part-NNNNN.parquet}),
     * straight from the cached blocks' columns ({@link AssignmentColumns}); returns the number of rows written.
     * Each file appears whole or not at all, and a retried task rewrites the same file with the same pages; only the
     * footer's list of a column's encodings may come in another order from another JVM (parquet-mr keeps it in a
     * {@code HashSet} of enums, whose order follows their identity hashes).
     */
    public static long write(SparkSession spark, JavaRDD<EventBlock> blocks, CaviModel model, String dir) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ResponsibilityKernel> kernel = jsc.broadcast(model.kernel());
        Broadcast<SerializableConfiguration> conf = jsc.broadcast(
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
        java.util.Map<String, String> footer = java.util.Map.of(org.sparkvi.io.DriverParquetTable.SPARK_SCHEMA_KEY, SCHEMA.json());
        int bytesPerRow = AssignmentColumns.bytesPerRow(model.k());
        try {
            List<Long> rows = blocks.mapPartitionsWithIndex((Integer p, java.util.Iterator<EventBlock> it) -> {
                List<EventBlock> part = new java.util.ArrayList<>();
                it.forEachRemaining(part::add);
                long n = AssignmentColumns.rows(part);
                ColumnarParquetFile.writePlain(conf.value().value(), new Path(dir, String.format("part-%05d.parquet", p)),
                        AssignmentColumns.PARQUET_SCHEMA, footer, n, bytesPerRow,
                        new AssignmentColumns(part, kernel.value()));
                return List.of(n).iterator();
            }, false).collect();
            ColumnarParquetFile.markTableComplete(spark.sparkContext().hadoopConfiguration(), new Path(dir));
            return rows.stream().mapToLong(Long::longValue).sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        } finally {
            Broadcasts.destroyNow(kernel);
            Broadcasts.destroyNow(conf);
        }
    }
}
