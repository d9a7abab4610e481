package org.sparkvi.report;

import java.util.Locale;
import org.sparkvi.cavi.CaviSummary;

/** The short table printed at the end of a CAVI run. */
public final class CaviTable {
    private CaviTable() {
    }

    public static String render(CaviSummary s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "CAVI on %s: %d events used, %d rejected; K=%d, D=%d (%s), strength %s%n",
                s.input(), s.nUsed(), s.nRejected().total(), s.k(), s.d(), s.coords().kind(), s.strength()));
        b.append(String.format(Locale.ROOT, "ELBO %.6f after %d iterations (%s), best of %d restarts, %.1f s%n",
                s.elbo(), s.iterations(), s.converged() ? "converged" : "NOT converged", s.restarts(), s.seconds()));
        b.append(String.format(Locale.ROOT, "%3s %7s %9s %9s %10s %9s  %-24s %7s  %s%n", "k", "weight", "N_k",
                "latitude", "longitude", "sd_km", "lambda mean [95% CI]", "events", "largest event"));
        for (CaviSummary.Cluster c : s.clusters()) {
            String lambda = String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", c.lambdaMean(), c.lambdaCi95()[0], c.lambdaCi95()[1]);
            String largest = c.largestEventId() == null ? "-"
                    : String.format(Locale.ROOT, "M%.1f %s %s", c.largestEventMag(), c.largestEventId(),
                    c.largestEventTime() == null ? "" : c.largestEventTime());
            b.append(String.format(Locale.ROOT, "%3d %7.4f %9.1f %9s %10s %9s  %-24s %7d  %s%n", c.k(), c.weight(),
                    c.expectedCount(), fmt(c.latitude(), "%.3f"), fmt(c.longitude(), "%.3f"), fmt(c.meanSdKm(), "%.2f"),
                    lambda, c.nEvents(), largest));
        }
        for (String w : s.warnings()) {
            b.append("warning: ").append(w).append(System.lineSeparator());
        }
        return b.toString();
    }

    private static String fmt(Double v, String f) {
        return v == null ? "-" : String.format(Locale.ROOT, f, v);
    }
}
