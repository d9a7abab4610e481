package org.sparkvi.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** Wall-clock seconds of a job's phases, in the order they ran: where a user's time goes (start, read, fit, write). */
public final class JobPhases {
    /** One phase; {@code count} is what it did (iterations, events, bytes), 0 when that means nothing. */
    public record Phase(String name, double seconds, long count) {
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
        long t0 = System.nanoTime();
        try {
            return body.get();
        } finally {
            add(name, (System.nanoTime() - t0) / 1e9, 0);
        }
    }

    public void time(String name, Runnable body) {
        time(name, () -> {
            body.run();
            return null;
        });
    }

    public void add(String name, double seconds, long count) {
        phases.add(new Phase(name, seconds, count));
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
