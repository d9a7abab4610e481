package org.sparkvi.report;

import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A report picture drawn without letting it decide the run: a picture that cannot be drawn (a chart library's limits,
 * e.g. JFreeChart's log axis refusing the single ELBO gap of 6e109 that K = 1 with --tau 1e100 gives; a JVM without
 * fonts) is skipped with a warning naming it and the reason, and every other output of the fit is still written.
 */
public final class Picture {
    private static final Logger LOG = LoggerFactory.getLogger(Picture.class);

    private Picture() {
    }

    /** The PNG bytes, or null after logging "NAME was not drawn (REASON) …" and adding it to {@code warnings}. */
    public static byte[] draw(String name, Supplier<byte[]> drawing, List<String> warnings) {
        try {
            return drawing.get();
        } catch (RuntimeException | LinkageError | java.awt.AWTError | InternalError e) {
            // LinkageError, AWTError, InternalError: how AWT fails where fonts or native libraries are missing
            String warning = name + " was not drawn (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); the fit and the other outputs are complete";
            LOG.warn(warning);
            LOG.debug("why {} was not drawn", name, e);
            warnings.add(warning);
            return null;
        }
    }
}
