package org.sparkvi.allreduce;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A reusable barrier for a fixed number of threads of one JVM that meet many times a second (the lockstep engine's
 * tasks, twice a step), waiting by {@link Backoff} instead of a condition variable: {@code CyclicBarrier} parks every
 * thread but the last, and each wake-up came tens of microseconds late, twice a step. It can also be broken: a
 * party that fails calls {@link #breakWith}, and every wait, present or later, throws instead of waiting for a
 * thread that will never come (a party that fails outside {@code CyclicBarrier.await} left the others waiting).
 *
 * <p>Sense by generation: the last of the parties to arrive resets the count, then publishes the next generation
 * (a volatile write); the others wait until they see it. Every party's writes before its arrival happen before
 * every party's return: the arrivals are atomic updates of one counter, and the last one precedes the publication.
 */
public final class ThreadBarrier {
    private final int parties;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;
    private volatile Throwable broken;

    public ThreadBarrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("a barrier needs at least one party: " + parties);
        }
        this.parties = parties;
    }

    /**
     * Waits until all parties have arrived. Throws {@link BrokenException} if a party broke the barrier,
     * {@link InterruptedException} if this thread is interrupted, and {@link BrokenException} when {@code abandon}
     * (asked every few milliseconds once the wait parks, e.g. whether Spark killed the task) says to stop.
     */
    public void await(BooleanSupplier abandon) throws InterruptedException {
        int g = generation;
        requireWhole();
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            generation = g + 1;
            return;
        }
        for (int idle = 0; generation == g; idle = Backoff.pause(idle)) {
            requireWhole();
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting at the barrier");
            }
            if (Backoff.parking(idle, 100) && abandon.getAsBoolean()) {
                breakWith(new IllegalStateException("a waiting party was told to stop"));
                requireWhole();
            }
        }
    }

    /** Breaks the barrier: every party waiting now or later throws, naming {@code cause}. The first cause is kept. */
    public void breakWith(Throwable cause) {
        if (broken == null) {
            broken = cause;
        }
    }

    private void requireWhole() {
        Throwable cause = broken;
        if (cause != null) {
            throw new BrokenException("the barrier was broken: " + cause, cause);
        }
    }

    /** Thrown by a wait at a broken barrier. */
    public static final class BrokenException extends IllegalStateException {
        BrokenException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
