package org.sparkvi.cavi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.cavi.LoadedCatalogue;

/**
 * The run summary written as summary.json (snake_case): the run, its hyperparameters and trace, and one entry per
 * cluster. Times are ISO-8601 UTC; a field that needs a column the catalogue lacks is null ({@code n_duplicate_ids}
 * without an id column).
 */
public record CaviSummary(String input, long nRecords, long nUsed, Rejected nRejected, LoadedCatalogue.DuplicateIds nDuplicateIds,
                          int k, int d, Coords coords,
                          String strength, String weightColumn, HyperparameterValues hyperparameters, long seed,
                          int restarts, String init, double[] restartElbos, int bestRestart, int iterations, int maxIter,
                          double tol, boolean converged, double elbo, List<Double> elboTrace, int partitions,
                          double seconds, List<String> warnings, List<Cluster> clusters) {

    public record Rejected(long total, Map<String, Long> byReason) {
    }

    public record Coords(String kind, Double referenceLatitude, Double referenceLongitude, List<String> xColumns) {
        static Coords of(CoordinateSystem cs) {
            boolean ref = cs.kind() == CoordinateSystem.Kind.LOCAL_KM || cs.kind() == CoordinateSystem.Kind.RADIAL;
            return new Coords(cs.label(), ref ? cs.refLatitude() : null, ref ? cs.refLongitude() : null,
                    cs.xColumns().isEmpty() ? null : cs.xColumns());
        }
    }

    public record HyperparameterValues(double tau, double rho, double[] nu, double alpha, double beta, double[] pi,
                                       String piPrior, Double piConcentration) {
        static HyperparameterValues of(Hyperparameters h) {
            return new HyperparameterValues(h.tau(), h.rho(), h.nu(), h.alpha(), h.beta(), h.pi(),
                    h.piPrior().name().toLowerCase(java.util.Locale.ROOT),
                    h.piPrior() == PiPrior.DIRICHLET ? h.piConcentration() : null);
        }
    }

    /** {@code depthKm}: R − |m_k| for hypocentre coordinates (the depth of the posterior mean), else null. */
    public record Cluster(int k, double weight, double expectedCount, double[] mean, Double latitude, Double longitude,
                          Double depthKm, Double distanceKm, double rhoStar, double meanSd, Double meanSdKm, double lambdaShape,
                          double lambdaRate, double lambdaMean, double[] lambdaCi95, Double piMean, long nEvents,
                          String timeStart, String timeEnd, String largestEventId, String largestEventTime,
                          Double largestEventMag) {
    }

    /** Everything about the run that the result does not hold. */
    public record Run(String input, long nRecords, Map<String, Long> rejectedByReason,
                      LoadedCatalogue.DuplicateIds duplicateIds, long seed, int restarts,
                      String init, int maxIter, double tol, int partitions, double seconds) {
    }

    public static CaviSummary of(CaviResult r, Run run) {
        CaviModel m = r.model();
        ClusterEvents ev = r.clusterEvents();
        CoordinateSystem cs = m.coords();
        double total = 0;
        for (int c = 0; c < m.k(); c++) {
            total += ev.expectedCount(c);
        }
        double[] piMean = m.parameters().expectedPi(m.hyperparameters());
        List<Cluster> clusters = new ArrayList<>();
        for (int c = 0; c < m.k(); c++) {
            double[] mean = m.mean(c);
            double[] ll = cs.toLatLon(mean);
            double sd = 1 / Math.sqrt(m.rhoStar()[c]);
            double kmPerUnit = cs.kmPerUnit();
            clusters.add(new Cluster(c, ev.expectedCount(c) / total, ev.expectedCount(c), mean,
                    ll == null ? null : ll[0], ll == null ? null : ll[1], cs.depthKm(mean),
                    cs.kind() == CoordinateSystem.Kind.RADIAL ? Math.exp(mean[0]) : null,
                    m.rhoStar()[c], sd, Double.isNaN(kmPerUnit) ? null : sd * kmPerUnit,
                    m.lambdaShape()[c], m.lambdaRate()[c], m.lambdaShape()[c] / m.lambdaRate()[c],
                    m.lambdaCredibleInterval95(c), m.dirichlet() == null ? null : piMean[c], ev.events(c),
                    iso(ev.timeStart(c)), iso(ev.timeEnd(c)), ev.largestId(c), iso(ev.largestTime(c)), ev.largestMag(c)));
        }
        List<String> warnings = new ArrayList<>();
        if (run.duplicateIds() != null && run.duplicateIds().warning() != null) {
            warnings.add(run.duplicateIds().warning());
        }
        if (!r.best().converged()) {
            warnings.add("the best restart did not converge within " + run.maxIter() + " iterations (tol " + run.tol()
                    + "); raise --max-iter or --tol");
        }
        for (Cluster c : clusters) {
            if (c.expectedCount() < 0.5) {
                warnings.add("cluster " + c.k() + " is empty (expected count " + String.format("%.3g", c.expectedCount()) + ")");
            }
        }
        long rejected = run.rejectedByReason().values().stream().mapToLong(Long::longValue).sum();
        CaviFit best = r.best();
        return new CaviSummary(run.input(), run.nRecords(), run.nRecords() - rejected,
                new Rejected(rejected, new LinkedHashMap<>(run.rejectedByReason())), run.duplicateIds(), m.k(), m.d(),
                Coords.of(cs),
                m.strength().label(), m.weightColumn(), HyperparameterValues.of(m.hyperparameters()), run.seed(),
                r.restarts().size(), run.init(), r.restartElbos(), best.restart(), best.iterations(), run.maxIter(),
                run.tol(), best.converged(), best.elbo(), best.elboTrace(), run.partitions(), run.seconds(), warnings,
                clusters);
    }

    /** The same summary with {@code more} warnings after its own. */
    public CaviSummary withWarnings(List<String> more) {
        List<String> all = new ArrayList<>(warnings);
        all.addAll(more);
        return new CaviSummary(input, nRecords, nUsed, nRejected, nDuplicateIds, k, d, coords, strength, weightColumn,
                hyperparameters,
                seed, restarts, init, restartElbos, bestRestart, iterations, maxIter, tol, converged, elbo, elboTrace,
                partitions, seconds, List.copyOf(all), clusters);
    }

    public static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
