package org.sparkvi.cavi;

import java.util.List;

/**
 * What a fit returns: the model (clusters relabelled by expected count, largest first), the best restart's run,
 * every restart's final ELBO, the data's moments and the per-cluster report of the final responsibilities.
 */
public record CaviResult(CaviModel model, CaviFit best, List<CaviFit> restarts, DataMoments moments,
                         ClusterEvents clusterEvents) {
    public double[] restartElbos() {
        return restarts.stream().mapToDouble(CaviFit::elbo).toArray();
    }
}
