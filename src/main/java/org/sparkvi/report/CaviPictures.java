package org.sparkvi.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkvi.cavi.CaviModel;
import org.sparkvi.cavi.CaviSummary;
import org.sparkvi.cavi.MapSample;

/** clusters.png and elbo.png of a CAVI run. */
public final class CaviPictures {
    /** √χ²₂(0.95): the radius of a 95% region of a 2-D isotropic Gaussian, in standard deviations. */
    static final double RADIUS_95_2D = Math.sqrt(-2 * Math.log(0.05));

    private CaviPictures() {
    }

    /** Markers at the posterior means that have a latitude and longitude; radii from q(μ) and from τ. */
    public static List<ClusterMarker> markers(CaviModel model, CaviSummary summary) {
        List<ClusterMarker> out = new ArrayList<>();
        double kmPerUnit = model.coords().kmPerUnit();
        double spread = kmPerUnit / Math.sqrt(model.hyperparameters().tau());
        for (CaviSummary.Cluster c : summary.clusters()) {
            if (c.latitude() == null) {
                continue;
            }
            String label = String.format(Locale.ROOT, "%d: N=%.0f, λ=%.1f", c.k(), c.expectedCount(), c.lambdaMean())
                    + (c.depthKm() == null ? "" : String.format(Locale.ROOT, ", %.0f km deep", c.depthKm()));
            out.add(new ClusterMarker(c.k(), c.longitude(), c.latitude(), RADIUS_95_2D * c.meanSd() * kmPerUnit, spread, label));
        }
        return out;
    }

    public static byte[] clusterMap(CaviModel model, CaviSummary summary, MapSample sample) {
        String title = String.format(Locale.ROOT, "%d super-epicentres of %d events (%s coordinates)", model.k(),
                summary.nUsed(), model.coords().label());
        return ClusterMapPlot.render(title, sample.longitude(), sample.latitude(), sample.cluster(),
                markers(model, summary), 1400, 800);
    }

    public static byte[] elbo(CaviSummary summary) {
        double[] trace = summary.elboTrace().stream().mapToDouble(Double::doubleValue).toArray();
        return ElboPlot.render(trace, String.format(Locale.ROOT, "ELBO per iteration (best of %d restarts)", summary.restarts()));
    }
}
