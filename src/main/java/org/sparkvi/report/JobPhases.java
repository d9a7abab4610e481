package org.sparkvi.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Wall-clock seconds of a job's phases, in the order they ran: where a user's time goes (start, read, fit, write);
 * for a timed phase also the JVM's CPU seconds (all its threads: Spark's local tasks, the collector's, the
 * compilers') and the collectors' pause seconds over it, which a machine shared with others disturbs far less than
 * the wall clock.
 */
public final class JobPhases {
    /**
     * One phase; {@code count} is what it did (iterations, events, bytes), 0 when that means nothing; {@code cpuSeconds}
     * and {@code gcSeconds} NaN when not measured (a phase added from elsewhere).
     */
    public record Phase(String name, double seconds, long count, double cpuSeconds, double gcSeconds) {
    }

    private final List<Phase> phases = Collections.synchronizedList(new ArrayList<>());
    private final java.util.Map<String, Double> facts = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** A figure about the run that is not a duration (cached bytes per event, partitions, …). */
    public void note(String name, double value) {
        facts.put(name, value);
    }

    public java.util.Map<String, Double> facts() {
        return java.util.Map.copyOf(facts);
    }

    public <T> T time(String name, Supplier<T> body) {
        long cpu0 = processCpuNanos();
        long gc0 = gcMillis();
        long t0 = System.nanoTime();
        try {
            return body.get();
        } finally {
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu1 = processCpuNanos();
            phases.add(new Phase(name, seconds, 0, cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9,
                    (gcMillis() - gc0) / 1e3));
        }
    }

    /** The JVM's CPU time so far, or -1 where the platform does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** The collectors' accumulated pause time (young and full collections). */
    private static long gcMillis() {
        long ms = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    public void time(String name, Runnable body) {
        time(name, () -> {
            body.run();
            return null;
        });
    }

    public void add(String name, double seconds, long count) {
        phases.add(new Phase(name, seconds, count, Double.NaN, Double.NaN));
    }

    public List<Phase> phases() {
        synchronized (phases) {
            return List.copyOf(phases);
        }
    }

    /** Total seconds of the phases whose name starts with {@code prefix}. */
    public double seconds(String prefix) {
        return phases().stream().filter(p -> p.name().startsWith(prefix)).mapToDouble(Phase::seconds).sum();
    }

    public String render() {
        StringBuilder s = new StringBuilder();
        for (Phase p : phases()) {
            s.append(String.format(Locale.ROOT, "  %-40s %9.3f s%n", p.name(), p.seconds()));
        }
        return s.toString();
    }
}
