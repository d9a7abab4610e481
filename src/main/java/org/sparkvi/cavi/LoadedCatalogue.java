package org.sparkvi.cavi;

import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.Rejection;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A catalogue read once and cached as one columnar {@link EventBlock} per partition beside that partition's
 * quarantine (kept until {@link #release}), with the counts: records, used events, rejected per reason, and the
 * bytes the blocks hold.
 */
public record LoadedCatalogue(String input, JavaRDD<CataloguePartition> partitions, CoordinateSystem coords,
                              long records, long used, Map<String, Long> rejectedByReason, long cachedBytes,
                              DuplicateIds duplicateIds) {

    /**
     * Ids that occur more than once among the catalogue's records (null ids aside; rejected records included):
     * {@code events} records carry one of {@code ids} such ids; the most repeated one and its count. Nothing is
     * dropped: a repeated id is reported, as a warning, and the events are all used.
     */
    public record DuplicateIds(long events, long ids, String mostRepeatedId, long mostRepeatedCount) {
        /** The warning for summary.json and the log, or null when no id repeats. */
        public String warning() {
            if (events == 0) {
                return null;
            }
            return events + " events have an id that occurs more than once (" + ids + (ids == 1 ? " id" : " distinct ids")
                    + "; the most repeated, '" + mostRepeatedId + "', " + mostRepeatedCount + " times); all were kept: "
                    + "a catalogue merged from overlapping downloads counts such events twice";
        }
    }

    public static final StructType REJECTED_SCHEMA = new StructType()
            .add("file", DataTypes.StringType).add("row", DataTypes.LongType).add("column", DataTypes.StringType)
            .add("value", DataTypes.StringType).add("reason", DataTypes.StringType);

    public LoadedCatalogue {
        rejectedByReason = new TreeMap<>(rejectedByReason);
    }

    /** The cached events, one block per partition (a view of the cache: nothing is recomputed). */
    public JavaRDD<EventBlock> blocks() {
        return partitions.map(CataloguePartition::block);
    }

    public JavaRDD<Rejection> rejections() {
        return partitions.flatMap(p -> p.rejections().iterator());
    }

    public long rejected() {
        return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The quarantine as a table (file, row, column, value, reason), ordered by file and row. */
    public Dataset<Row> rejectedTable(SparkSession spark) {
        JavaRDD<Row> rows = rejections().map(r -> RowFactory.create(r.file(), r.row(), r.column(), r.value(), r.reason()));
        return spark.createDataFrame(rows, REJECTED_SCHEMA).orderBy("file", "row");
    }

    /**
     * Writes the quarantine as the table folder {@code dir}, sorted by file and row: through Spark when records were
     * rejected, and from the driver when none were (an empty table needs no Spark job).
     */
    public void writeRejected(SparkSession spark, String dir) {
        if (rejected() > 0) {
            rejectedTable(spark).coalesce(1).write().mode(org.apache.spark.sql.SaveMode.ErrorIfExists).parquet(dir);
            return;
        }
        org.sparkvi.io.DriverParquetTable.write(spark.sparkContext().hadoopConfiguration(), REJECTED_SCHEMA,
                java.util.List.of(), dir);
    }

    /** Frees the cached blocks and the quarantine. */
    public void release() {
        partitions.unpersist(false);
    }
}
