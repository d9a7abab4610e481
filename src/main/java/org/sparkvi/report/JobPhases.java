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
 * the wall clock. Where Linux says it ({@code /proc/self/stat}), also the kernel's share of that CPU time: on
 * the VMs measured here, first touches of fresh memory (the heap growing, the page cache of a file written) cost
 * 0.6-3 s of kernel time per GB, which no Java profiler sees.
 */
public final class JobPhases {
    /**
     * One phase; {@code count} is what it did (iterations, events, bytes), 0 when that means nothing; {@code cpuSeconds}
     * {@code gcSeconds} and {@code kernelSeconds} NaN when not measured (a phase added from elsewhere, or no
     * {@code /proc}).
     */
    public record Phase(String name, double seconds, long count, double cpuSeconds, double gcSeconds, double kernelSeconds) {
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
        double kernel0 = kernelSeconds();
        long t0 = System.nanoTime();
        try {
            return body.get();
        } finally {
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu1 = processCpuNanos();
            phases.add(new Phase(name, seconds, 0, cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9,
                    (gcMillis() - gc0) / 1e3, kernelSeconds() - kernel0));
        }
    }

    /** The JVM's CPU time so far, or -1 where the platform does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /**
     * The process's CPU seconds in the kernel so far (stime, field 15 of {@code /proc/self/stat}, in clock ticks of
     * 1/100 s, the USER_HZ Linux reports on every architecture), or NaN where there is no such file.
     */
    static double kernelSeconds() {
        try {
            return kernelSeconds(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat")));
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** stime of a {@code /proc/PID/stat} line, in seconds. */
    static double kernelSeconds(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces and ')': fields 3.. follow its last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[12]) / 100.0; // f[0] is field 3, so stime (field 15) is f[12]
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
        phases.add(new Phase(name, seconds, count, Double.NaN, Double.NaN, Double.NaN));
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
