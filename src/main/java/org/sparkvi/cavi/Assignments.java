package org.sparkvi.cavi;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
        JavaRDD<AssignmentRow> rows = blocks.flatMap(b -> {
            ResponsibilityKernel kern = kernel.value();
            return new java.util.Iterator<AssignmentRow>() {
                int n;

                @Override
                public boolean hasNext() {
                    return n < b.size;
                }

                @Override
                public AssignmentRow next() {
                    double[] r = kern.responsibilities(b, n);
                    int c = ClusterEvents.argmax(r);
                    AssignmentRow row = new AssignmentRow(b.idOf(n), b.index[n], c, r[c], r);
                    n++;
                    return row;
                }
            };
        });
        // the bean encoder orders columns by name: put them back in the table's order
        return spark.createDataset(rows.rdd(), Encoders.bean(AssignmentRow.class))
                .select("id", "index", "cluster", "probability", "responsibilities");
    }

    public static void release(List<Broadcast<?>> broadcasts) {
        broadcasts.forEach(Broadcast::destroy);
        broadcasts.clear();
    }

}
