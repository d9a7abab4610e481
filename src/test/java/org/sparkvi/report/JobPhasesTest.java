package org.sparkvi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobPhasesTest {
    /** A line as Linux writes it (proc(5)): pid, (comm), state, then fields 4..; utime (field 14) is 1234 ticks, stime (15) 567. */
    @Test
    void kernelSecondsIsFieldFifteenAfterACommandNameWithSpacesAndParentheses() {
        String rest = " S 1 2 3 4 5 6 7 8 9 10 1234 567 11 12 20 0 40 0 99 1000 200";
        assertEquals(5.67, JobPhases.kernelSeconds("4242 (java) " + rest.substring(1)), 0);
        assertEquals(5.67, JobPhases.kernelSeconds("4242 (my (odd) cmd) " + rest.substring(1)), 0);
    }

    @Test
    void aTimedPhaseCarriesItsCpuAndKernelSeconds() {
        JobPhases phases = new JobPhases();
        phases.time("spin", () -> {
            long until = System.nanoTime() + 50_000_000L;
            double x = 0;
            while (System.nanoTime() < until) {
                x += Math.sqrt(x + 1);
            }
            return x;
        });
        JobPhases.Phase p = phases.phases().get(0);
        assertTrue(p.seconds() >= 0.05, "wall " + p.seconds());
        assertTrue(p.cpuSeconds() > 0, "cpu " + p.cpuSeconds());
        if (new java.io.File("/proc/self/stat").canRead()) {
            assertTrue(p.kernelSeconds() >= 0 && p.kernelSeconds() <= p.cpuSeconds() + 0.02, "kernel " + p.kernelSeconds());
        } else {
            assertTrue(Double.isNaN(p.kernelSeconds()));
        }
    }
}
