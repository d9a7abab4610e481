package org.sparkvi.jobs;

import org.sparkvi.cavi.CaviFit;
import org.sparkvi.cavi.CaviListener;
import org.sparkvi.report.JobPhases;

/** Passes a fit's progress on, and splits the fit's seconds into moments, seeding, iterations and the final E-step. */
final class PhaseRecorder implements CaviListener {
    private final CaviListener next;
    private double iterationSeconds;
    private int iterations;
    private double moments;
    private double finalEStep;

    PhaseRecorder(CaviListener next) {
        this.next = next;
    }

    @Override
    public void iteration(int restart, int iteration, int maxIter, double elbo, double change, double seconds) {
        iterationSeconds += seconds;
        iterations++;
        next.iteration(restart, iteration, maxIter, elbo, change, seconds);
    }

    @Override
    public void restartDone(int restart, int restarts, CaviFit fit) {
        next.restartDone(restart, restarts, fit);
    }

    @Override
    public void phase(String name, double seconds) {
        if (name.equals("moments")) {
            moments += seconds;
        } else if (name.equals("final E-step")) {
            finalEStep += seconds;
        }
        next.phase(name, seconds);
    }

    /** Adds the fit's phases; seeding (and the driver's updates between passes) is what the others leave of the fit. */
    void record(JobPhases phases, double fitSeconds) {
        phases.add("moments", moments, 0);
        phases.add("seeding", Math.max(0, fitSeconds - moments - iterationSeconds - finalEStep), 0);
        phases.add("iterations", iterationSeconds, iterations);
        phases.add("final E-step", finalEStep, 0);
    }
}
