package org.sparkvi.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.cavi.CaviSummary;
import org.sparkvi.cavi.MapSample;

/** What a fit did: the ELBO and its trace, iterations, convergence, cluster sizes, and the per-cluster table. */
public final class CaviClusteringSummary {
    private final CaviSummary summary;
    private final MapSample eventSample;

    CaviClusteringSummary(CaviSummary summary, MapSample eventSample) {
        this.summary = summary;
        this.eventSample = eventSample;
    }

    /**
     * About {@link MapSample#EVENTS} events with their longitude, latitude and most likely cluster, the same events
     * whatever the partitioning (taken by the final E-step; what clusters.png draws); empty where the events have
     * no geographic position.
     */
    public MapSample eventSample() {
        return eventSample;
    }

    /** The final ELBO of the best restart, every constant included. */
    public double elbo() {
        return summary.elbo();
    }

    public double[] elboTrace() {
        return summary.elboTrace().stream().mapToDouble(Double::doubleValue).toArray();
    }

    public int numIter() {
        return summary.iterations();
    }

    public boolean converged() {
        return summary.converged();
    }

    /** Events whose most likely cluster each is. */
    public long[] clusterSizes() {
        return summary.clusters().stream().mapToLong(CaviSummary.Cluster::nEvents).toArray();
    }

    /** Records read, used and quarantined (by reason) from the training DataFrame. */
    public long numRecords() {
        return summary.nRecords();
    }

    public long numRejected() {
        return summary.nRejected().total();
    }

    public CaviSummary toCaviSummary() {
        return summary;
    }

    static final StructType CLUSTERS = new StructType().add("k", DataTypes.IntegerType, false)
            .add("weight", DataTypes.DoubleType, false).add("expected_count", DataTypes.DoubleType, false)
            .add("mean", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("latitude", DataTypes.DoubleType).add("longitude", DataTypes.DoubleType)
            .add("depth_km", DataTypes.DoubleType).add("rho_star", DataTypes.DoubleType, false)
            .add("lambda_shape", DataTypes.DoubleType, false).add("lambda_rate", DataTypes.DoubleType, false)
            .add("lambda_mean", DataTypes.DoubleType, false).add("n_events", DataTypes.LongType, false);

    /** The per-cluster table of summary.json as a DataFrame. */
    public Dataset<Row> clusters() {
        List<Row> rows = new ArrayList<>();
        for (CaviSummary.Cluster c : summary.clusters()) {
            rows.add(RowFactory.create(c.k(), c.weight(), c.expectedCount(), org.sparkvi.io.Rows.boxed(c.mean()),
                    c.latitude(), c.longitude(), c.depthKm(), c.rhoStar(), c.lambdaShape(), c.lambdaRate(),
                    c.lambdaMean(), c.nEvents()));
        }
        return SparkSession.active().createDataFrame(rows, CLUSTERS);
    }
}
