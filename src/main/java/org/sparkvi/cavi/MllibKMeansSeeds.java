package org.sparkvi.cavi;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.spark.SparkSessions;

/**
 * Initial centres from MLlib's KMeans with k-means|| (Bahmani et al. 2012). Seeded, but its sampling follows the
 * partitioning, so unlike the default k-means++ it may differ between partition counts.
 */
final class MllibKMeansSeeds {
    private MllibKMeansSeeds() {
    }

    static double[] centers(SparkSession spark, JavaRDD<EventBlock> blocks, CaviOptions o, int restart) {
        JavaRDD<Vector> points = blocks.flatMap(b -> {
            List<Vector> out = new ArrayList<>(b.size);
            for (int n = 0; n < b.size; n++) {
                out.add(Vectors.dense(b.location(n)));
            }
            return out.iterator();
        });
        KMeans kmeans = new KMeans().setK(o.k()).setMaxIterations(20).setInitializationMode(KMeans.K_MEANS_PARALLEL())
                .setSeed(o.seed() + 1_000_003L * restart);
        KMeansModel model = SparkSessions.describe(spark, "MLlib k-means|| initialisation, restart " + (restart + 1),
                () -> kmeans.run(points.rdd()));
        Vector[] c = model.clusterCenters();
        int d = c[0].size();
        double[] centers = new double[o.k() * d];
        for (int i = 0; i < o.k(); i++) {
            // k-means|| may return fewer than K distinct centres on tiny data: repeat the last one
            Vector v = c[Math.min(i, c.length - 1)];
            for (int j = 0; j < d; j++) {
                centers[i * d + j] = v.apply(j);
            }
        }
        return centers;
    }
}
