package org.sparkvi.io;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.cavi.EventBlock;

/**
 * A catalogue read once and cached as one columnar {@link EventBlock} per partition, with its quarantine:
 * every rejected record (kept until {@link #release}) and the count per reason.
 */
public record LoadedCatalogue(String input, JavaRDD<EventBlock> blocks, CoordinateSystem coords, long records,
                              long used, Map<String, Long> rejectedByReason, JavaRDD<Rejection> rejections) {

    public static final StructType REJECTED_SCHEMA = new StructType()
            .add("file", DataTypes.StringType).add("row", DataTypes.LongType).add("column", DataTypes.StringType)
            .add("value", DataTypes.StringType).add("reason", DataTypes.StringType);

    public LoadedCatalogue {
        rejectedByReason = new TreeMap<>(rejectedByReason);
    }

    public long rejected() {
        return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The quarantine as a table (file, row, column, value, reason), ordered by file and row. */
    public Dataset<Row> rejectedTable(SparkSession spark) {
        JavaRDD<Row> rows = rejections.map(r -> RowFactory.create(r.file(), r.row(), r.column(), r.value(), r.reason()));
        return spark.createDataFrame(rows, REJECTED_SCHEMA).orderBy("file", "row");
    }

    /** Frees the cached blocks and the quarantine. */
    public void release() {
        blocks.unpersist(false);
        rejections.unpersist(false);
    }
}
