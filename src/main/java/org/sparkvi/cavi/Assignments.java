package org.sparkvi.cavi;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.io.Rows;

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

    /** The table, lazily; {@link #release} the returned broadcast after the table has been written. */
    public static Dataset<Row> table(SparkSession spark, JavaRDD<EventBlock> blocks, CaviModel model,
                                     List<Broadcast<?>> broadcasts) {
        Broadcast<ResponsibilityKernel> kernel = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(model.kernel());
        broadcasts.add(kernel);
        JavaRDD<Row> rows = blocks.flatMap(b -> {
            ResponsibilityKernel kern = kernel.value();
            List<Row> out = new ArrayList<>(b.size);
            for (int n = 0; n < b.size; n++) {
                double[] r = kern.responsibilities(b, n);
                int c = ClusterEvents.argmax(r);
                out.add(RowFactory.create(b.idOf(n), b.index[n], c, r[c], Rows.boxed(r)));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rows, SCHEMA);
    }

    public static void release(List<Broadcast<?>> broadcasts) {
        broadcasts.forEach(Broadcast::destroy);
        broadcasts.clear();
    }

}
