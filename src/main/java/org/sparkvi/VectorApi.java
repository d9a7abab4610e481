package org.sparkvi;

import java.util.function.IntSupplier;

/**
 * Whether the JDK's Vector API ({@code jdk.incubator.vector}) may be used: Spark's launcher adds {@code
 * --add-modules=jdk.incubator.vector} to drivers and executors; where the module is missing, touching its classes
 * throws NoClassDefFoundError, and {@code -Dsparkvi.scalar=true} turns it off. Callers keep a scalar path that gives
 * the same results.
 */
public final class VectorApi {
    private VectorApi() {
    }

    /**
     * Not turned off, and {@code lanes} (which touches the module, e.g. {@code () ->
     * DoubleVector.SPECIES_PREFERRED.length()}) gives at least {@code minLanes}.
     */
    public static boolean usable(IntSupplier lanes, int minLanes) {
        if (Boolean.getBoolean("sparkvi.scalar")) {
            return false;
        }
        try {
            return lanes.getAsInt() >= minLanes;
        } catch (Throwable t) {
            return false; // module not resolved: NoClassDefFoundError
        }
    }
}
