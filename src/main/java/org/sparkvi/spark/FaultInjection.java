package org.sparkvi.spark;

import org.apache.spark.TaskContext;

/**
 * Failure injection for the fault-tolerance tests: while the driver thread's local property
 * {@value #PROPERTY} is "true", every task that calls {@link #maybeFail} fails on its first attempt, and Spark's
 * retry (the second attempt) must give the same result. Off unless that property is set.
 */
public final class FaultInjection {
    public static final String PROPERTY = "sparkvi.failFirstAttempt";

    private FaultInjection() {
    }

    public static void maybeFail(String where) {
        TaskContext tc = TaskContext.get();
        // a barrier stage is relaunched whole, as a new stage attempt whose tasks start again at attempt 0
        if (tc != null && "true".equals(tc.getLocalProperty(PROPERTY)) && tc.attemptNumber() == 0
                && tc.stageAttemptNumber() == 0) {
            throw new IllegalStateException("injected failure (first attempt of task " + tc.taskAttemptId()
                    + " in stage " + tc.stageId() + ", " + where + ")");
        }
    }

    /**
     * For a lockstep stage (one task a rank, stepping together): {@link #maybeFail} in the last rank only, at step 3
     * of {@code steps} (the last if fewer), after two steps have moved every rank's state on, so that a relaunch
     * must start again from the epoch's state, and the other ranks must not wait for the failed one.
     */
    public static void maybeFailMidEpoch(int rank, int ranks, int step, int steps, String where) {
        if (rank == ranks - 1 && step == Math.min(2, steps - 1)) {
            maybeFail(where + ", step " + (step + 1));
        }
    }
}
