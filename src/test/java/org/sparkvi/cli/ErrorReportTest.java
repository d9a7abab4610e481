package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.sparkvi.FailedCheckException;
import org.sparkvi.UserInputException;
import org.sparkvi.io.CoordinateSystem;

/**
 * Which failures are the user's: a UserInputException anywhere in the cause chain, or an IllegalArgumentException
 * that sparkvi's own code threw (a value it checked); never one thrown inside a library, which is a failure of the
 * run and keeps its stack trace.
 */
class ErrorReportTest {
    record Told(int code, String err) {
    }

    static Told report(Throwable t) {
        StringWriter err = new StringWriter();
        int code = ErrorReport.report(t, new PrintWriter(err, true));
        return new Told(code, err.toString());
    }

    @Test
    void anIllegalArgumentFromInsideALibraryIsAOneLineFailure() {
        // JFreeChart's own check, as when the ELBO plot's log axis got a range it could not draw
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new org.jfree.data.Range(2, 1));
        Told t = report(e);
        assertEquals(1, t.code(), t.err());
        // one line on stderr; the stack trace goes to the log at debug level
        assertEquals("sparkvi: failed: java.lang.IllegalArgumentException: Range(double, double): require lower (2.0) "
                + "<= upper (1.0). (the stack trace is logged at debug level: set logger.sparkvi.level = debug in "
                + "conf/log4j2.properties)\n", t.err());
    }

    @Test
    void aShadedLibraryIsStillALibrary() {
        // in the jar, JFreeChart and picocli live under org.sparkvi.shaded: not sparkvi's code
        IllegalArgumentException e = new IllegalArgumentException("A positive range length is required: Range[1.0,1.0]");
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.sparkvi.shaded.jfree.chart.axis.ValueAxis", "setRange", "ValueAxis.java", 1198),
            new StackTraceElement("org.sparkvi.report.ElboPlot", "render", "ElboPlot.java", 37)});
        Told t = report(e);
        assertEquals(1, t.code(), t.err());
        assertTrue(t.err().startsWith("sparkvi: failed: java.lang.IllegalArgumentException: A positive range length"),
                t.err());
    }

    @Test
    void anIllegalArgumentSparkviThrewIsTheUsersError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CoordinateSystem.parseKind("mercator"));
        assertEquals(new Told(2, "sparkvi: error: --coords must be one of lonlat, local-km, ecef, hypocenter, identity, radial; "
                + "got 'mercator'\n"), report(e));
    }

    @Test
    void aWrappedUserErrorIsTheUsersErrorAndAFailedCheckIsOneLine() {
        assertEquals(new Told(2, "sparkvi: error: catalogue not found: x.parquet\n"),
                report(new RuntimeException("Job aborted", new IllegalStateException("task failed",
                        new UserInputException("catalogue not found: x.parquet")))));
        assertEquals(new Told(1, "sparkvi: failed: the ELBO is NaN\n"), report(new FailedCheckException("the ELBO is NaN")));
    }
}
