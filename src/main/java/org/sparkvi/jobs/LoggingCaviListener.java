package org.sparkvi.jobs;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkvi.cavi.CaviFit;
import org.sparkvi.cavi.CaviListener;

/** Logs CAVI's progress: iteration, ELBO, relative change, seconds per iteration, events per second, and ETA. */
public final class LoggingCaviListener implements CaviListener {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkvi.cavi");
    private final long events;
    private final int restarts;
    private double secondsSoFar;
    private int iterationsSoFar;

    public LoggingCaviListener(long events, int restarts) {
        this.events = events;
        this.restarts = restarts;
    }

    @Override
    public void iteration(int restart, int iteration, int maxIter, double elbo, double change, double seconds) {
        secondsSoFar += seconds;
        iterationsSoFar++;
        double perIter = secondsSoFar / iterationsSoFar;
        // an upper bound: the run may converge before maxIter
        double etaMax = perIter * ((maxIter + 1 - iteration) + (double) (restarts - restart - 1) * (maxIter + 1));
        if (iteration <= 3 || iteration % 10 == 0) {
            LOG.info(String.format(Locale.ROOT,
                    "restart %d/%d iteration %d: ELBO %.10g, rel. change %.2e, %.3f s/iter, %.3g events/s, ETA at most %.0f s",
                    restart + 1, restarts, iteration, elbo, change, seconds, events / Math.max(seconds, 1e-9), etaMax));
        }
    }

    @Override
    public void restartDone(int restart, int total, CaviFit fit) {
        LOG.info(String.format(Locale.ROOT, "restart %d/%d: ELBO %.10g after %d iterations, %s", restart + 1, total,
                fit.elbo(), fit.iterations(), fit.converged() ? "converged" : "NOT converged (max-iter reached)"));
    }
}
