package org.sparkvi.spark;

import org.apache.spark.broadcast.Broadcast;

/** Ending a broadcast's life without Spark's own cleaner stepping on it. */
public final class Broadcasts {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Broadcasts.class);

    private Broadcasts() {
    }

    /**
     * Destroys {@code b} and returns once every block manager has dropped its blocks. Spark's public
     * {@code destroy()} only sends the request; when the Broadcast object is then collected, Spark's ContextCleaner
     * sends the same request again, and two removals of one broadcast running at once on a block manager's thread
     * pool make the later one fail on a piece the other just removed ("ERROR ContextCleaner: Error cleaning
     * broadcast 0 ... Block broadcast_0_piece3 does not exist", with its stack trace, in a benchmark's log). After a
     * blocking destroy the cleaner finds nothing left to remove. ({@code destroy(boolean)} is Scala's
     * {@code private[spark]}, public to Java.) A removal that fails (an executor lost meanwhile) is a warning, not
     * the failure of the work the broadcast served, which is done.
     */
    public static void destroyNow(Broadcast<?> b) {
        try {
            b.destroy(true);
        } catch (Exception e) { // Spark's awaitResult throws its SparkException undeclared
            LOG.warn("broadcast {} could not be removed from every executor at once ({}); Spark's cleaner will retry",
                    b.id(), e.toString());
        }
    }
}
