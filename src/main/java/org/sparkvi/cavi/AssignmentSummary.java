package org.sparkvi.cavi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkvi.cavi.LoadedCatalogue;

/**
 * summary.json of {@code cavi-assign}: new events under a saved model. {@code mean_log_score} is the average over
 * events of logsumexp_k log ρ̃_nk: each event's contribution to the ELBO under the model's q, a predictive score
 * that drops when the new events fit the model less well.
 */
public record AssignmentSummary(String input, String model, long nRecords, long nUsed, CaviSummary.Rejected nRejected,
                                LoadedCatalogue.DuplicateIds nDuplicateIds, int k, double meanLogScore,
                                List<String> warnings, List<Cluster> clusters) {

    public record Cluster(int k, double expectedCount, long nEvents, String timeStart, String timeEnd,
                          String largestEventId, String largestEventTime, Double largestEventMag) {
    }

    public static AssignmentSummary of(String input, String model, long records, Map<String, Long> rejectedByReason,
                                       LoadedCatalogue.DuplicateIds duplicateIds, SufficientStatistics stats,
                                       ClusterEvents ev) {
        List<Cluster> clusters = new ArrayList<>();
        for (int c = 0; c < stats.k; c++) {
            clusters.add(new Cluster(c, stats.nk[c], ev.events(c), CaviSummary.iso(ev.timeStart(c)),
                    CaviSummary.iso(ev.timeEnd(c)), ev.largestId(c), CaviSummary.iso(ev.largestTime(c)), ev.largestMag(c)));
        }
        long rejected = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
        List<String> warnings = new ArrayList<>();
        if (duplicateIds != null && duplicateIds.warning() != null) {
            warnings.add(duplicateIds.warning());
        }
        return new AssignmentSummary(input, model, records, records - rejected,
                new CaviSummary.Rejected(rejected, new LinkedHashMap<>(rejectedByReason)), duplicateIds, stats.k,
                stats.weightedLogSumExp / stats.weight, warnings, clusters);
    }
}
