package org.sparkvi.cavi;

/** Progress of a fit, reported by {@link CaviAlgorithm} (Smile's IterativeAlgorithmController in spirit). */
public interface CaviListener {
    /** After each iteration: the ELBO after the E-step, its relative change, and the seconds the iteration took. */
    default void iteration(int restart, int iteration, int maxIter, double elbo, double relativeChange, double seconds) {
    }

    default void restartDone(int restart, int restarts, CaviFit fit) {
    }

    /** A phase of the fit outside the iterations (moments, the final E-step) and its wall-clock seconds. */
    default void phase(String name, double seconds) {
    }

    CaviListener NONE = new CaviListener() {
    };
}
