package org.sparkvi.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** TEMPORARY minimal reader (Parquet only) until the full reader lands from the io branch. */
public final class CatalogueReader {
    public static final String SOURCE_FILE = "_source_file";
    public static final String SOURCE_ROW = "_source_row";

    private CatalogueReader() {
    }

    public static Dataset<Row> read(SparkSession spark, String path, CatalogueFormat format) {
        return spark.read().parquet(path).withColumn(SOURCE_FILE, functions.input_file_name())
                .withColumn(SOURCE_ROW, functions.monotonically_increasing_id().plus(1));
    }
}
