package org.sparkvi.cavi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Writes catalogues drawn from the model as Parquet, for tests that run the whole job. */
final class SyntheticParquet {
    private SyntheticParquet() {
    }

    /** Columns id, a, b[, c], s, label: X in identity coordinates (D = centres.length / rates.length). */
    static String identity(SparkSession spark, Path dir, SyntheticCatalogue sc, int d, long seed, int n) {
        StructType schema = new StructType().add("id", DataTypes.StringType);
        String[] names = {"a", "b", "c"};
        for (int j = 0; j < d; j++) {
            schema = schema.add(names[j], DataTypes.DoubleType);
        }
        schema = schema.add("s", DataTypes.LongType).add("label", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        double[] x = new double[d];
        int[] label = new int[1];
        for (int i = 0; i < n; i++) {
            int s = sc.draw(seed, i, x, label);
            Object[] v = new Object[d + 3];
            v[0] = "ev" + i;
            for (int j = 0; j < d; j++) {
                v[1 + j] = x[j];
            }
            v[d + 1] = (long) s;
            v[d + 2] = label[0];
            rows.add(RowFactory.create(v));
        }
        String path = dir.resolve("catalogue.parquet").toString();
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
        return path;
    }
}
