package org.sparkvi.cavi;

import java.util.ArrayList;
import java.util.List;

/**
 * Coordinate-ascent variational inference for the Poisson–Gaussian mixture, over any {@link CaviData}.
 * Each iteration is one pass: the E-step at the current q gives responsibilities, their statistics and the
 * ELBO at that point; the driver then updates q(μ), q(λ) (and q(π)). Both half-steps are checked: neither may
 * lower the ELBO by more than round-off. The run stops when the relative change of the ELBO is at most tol,
 * or at maxIter (then one more E-step makes the responsibilities match the final q).
 */
public final class CaviAlgorithm {
    private CaviAlgorithm() {
    }

    /** Runs every restart and returns them all; the best is {@link #best}. */
    public static List<CaviFit> fitAll(CaviData data, Hyperparameters h, CaviOptions o, double totalWeight,
                                       double meanStrength, CaviListener listener) {
        if (h.k() != o.k()) {
            throw new IllegalArgumentException("pi has " + h.k() + " weights but k = " + o.k());
        }
        List<CaviFit> fits = new ArrayList<>();
        for (int r = 0; r < o.restarts(); r++) {
            double[] centers = data.seedCenters(o, r);
            VariationalParameters q0 = VariationalParameters.initial(h, centers, totalWeight, meanStrength);
            CaviFit fit = fit(data, h, q0, o, r, listener);
            listener.restartDone(r, o.restarts(), fit);
            fits.add(fit);
        }
        return fits;
    }

    /**
     * The restart with the highest final ELBO. Restarts that reach the same optimum differ only by round-off, which
     * would let the summation order (the partitioning) pick the winner: a later restart must beat the best by more
     * than 1e-9 relative.
     */
    public static CaviFit best(List<CaviFit> fits) {
        CaviFit best = null;
        for (CaviFit f : fits) {
            if (best == null || f.elbo() > best.elbo() + 1e-9 * Math.abs(best.elbo())) {
                best = f;
            }
        }
        return best;
    }

    /** One restart from q0. */
    public static CaviFit fit(CaviData data, Hyperparameters h, VariationalParameters q0, CaviOptions o, int restart,
                              CaviListener listener) {
        VariationalParameters q = q0;
        List<Double> trace = new ArrayList<>();
        double afterUpdate = Double.NaN;
        SufficientStatistics stats = null;
        int updates = 0;
        boolean converged = false;
        for (int it = 1; it <= o.maxIter() + 1; it++) {
            long t0 = System.nanoTime();
            stats = data.pass(h, q, "CAVI restart " + (restart + 1) + " iteration " + it
                    + ": responsibilities and sufficient statistics");
            double elbo = Elbo.afterResponsibilities(h, q, stats);
            if (!Double.isFinite(elbo)) {
                throw new IllegalStateException("the ELBO is not finite (" + elbo + ") at iteration " + it
                        + ": check the data's scale against tau and rho");
            }
            if (!Double.isNaN(afterUpdate)) {
                requireNoDecrease(afterUpdate, elbo, Elbo.roundOff(h, q, stats, elbo), it, "responsibility update");
            }
            double change = trace.isEmpty() ? Double.NaN
                    : Math.abs(elbo - trace.get(trace.size() - 1)) / Math.max(Math.abs(elbo), Double.MIN_NORMAL);
            trace.add(elbo);
            listener.iteration(restart, it, o.maxIter(), elbo, change, (System.nanoTime() - t0) / 1e9);
            if (change <= o.tol()) {
                converged = true;
                break;
            }
            if (updates == o.maxIter()) {
                break; // this pass was the final E-step after the last update
            }
            VariationalParameters next = GlobalUpdate.apply(h, stats);
            afterUpdate = Elbo.atParameters(h, next, stats);
            requireNoDecrease(elbo, afterUpdate, Elbo.roundOff(h, next, stats, afterUpdate), it, "global update");
            q = next;
            updates++;
        }
        return new CaviFit(restart, q, stats, trace.get(trace.size() - 1), List.copyOf(trace), updates, converged);
    }

    private static void requireNoDecrease(double before, double after, double roundOff, int it, String step) {
        if (after < before - roundOff) {
            throw new ElboDecreasedException(String.format(
                    "the ELBO decreased at iteration %d (%s): %.17g -> %.17g (drop %.3g, round-off bound %.3g)",
                    it, step, before, after, before - after, roundOff));
        }
    }
}
