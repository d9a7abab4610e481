package org.sparkvi.cavi;

/** The events as the algorithm sees them: one pass per call. Implemented in memory and over a cached Spark RDD. */
public interface CaviData {
    /** One E-step pass: responsibilities from (h, q) for every event, summed into statistics. */
    SufficientStatistics pass(Hyperparameters h, VariationalParameters q, String description);

    /** K initial centres (row-major K×D) for restart {@code restart}. */
    double[] seedCenters(CaviOptions options, int restart);

    /** The catalogue's moments (what the data-scaled hyperparameters are resolved from). */
    DataMoments moments();

    /** The final E-step's per-cluster report (expected counts, hard counts, time ranges, largest events). */
    ClusterEvents clusterEvents(CaviModel model, MapSample.Rule sampling);
}
