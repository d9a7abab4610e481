package org.sparkvi.cli;

import org.sparkvi.FailedCheckException;
import org.sparkvi.UserInputException;

import java.io.PrintWriter;

/**
 * How a command's failure is told, and its exit code: the user's error is one line {@code sparkvi: error: ...}
 * (exit 2), a result that failed its check one line {@code sparkvi: failed: ...} (exit 1), anything else
 * {@code sparkvi: failed: ...} with its stack trace (exit 1).
 */
final class ErrorReport {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ErrorReport.class);
    private ErrorReport() {
    }

    static int report(Throwable ex, PrintWriter err) {
        Throwable user = usersError(ex);
        // stderr gets one message; the stack trace goes to the log at debug level only
        if (user != null) {
            LOG.debug("user error", ex);
            err.println("sparkvi: error: " + user.getMessage());
            return 2;
        }
        if (ex instanceof FailedCheckException) {
            LOG.debug("failed check", ex);
            err.println("sparkvi: failed: " + ex.getMessage());
            return 1;
        }
        LOG.debug("unexpected failure", ex);
        String first = String.valueOf(ex).lines().findFirst().orElse(ex.getClass().getName());
        err.println("sparkvi: failed: " + first + " (the stack trace is logged at debug level: "
                + "set logger.sparkvi.level = debug in conf/log4j2.properties)");
        return 1;
    }

    /**
     * A UserInputException anywhere in the cause chain (a user error may arrive wrapped, e.g. thrown in a Spark task),
     * else {@code ex} itself if it is an IllegalArgumentException that sparkvi's own code threw (a value checked by a
     * command or a record's constructor: --coords, --pi, …), else null. An IllegalArgumentException from inside a
     * library (JFreeChart refusing an axis range, Hadoop a path) says nothing the user can act on: it is a failure.
     */
    static Throwable usersError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UserInputException) {
                return t;
            }
        }
        return ex instanceof IllegalArgumentException && thrownBySparkvi(ex) ? ex : null;
    }

    /** The frame that threw is sparkvi's, not a library's (shaded libraries live under org.sparkvi.shaded in the jar). */
    static boolean thrownBySparkvi(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        if (trace.length == 0) {
            return false;
        }
        String thrower = trace[0].getClassName();
        return thrower.startsWith("org.sparkvi.") && !thrower.startsWith("org.sparkvi.shaded.");
    }
}
