package org.sparkvi.allreduce;

import java.util.concurrent.locks.LockSupport;

/**
 * How a rank waits for another on these few cores: {@link #SPINS} spins (microseconds), then {@link #YIELDS} yields,
 * then parks of 20 µs. A yield hands the core to any runnable thread (a sender, the peer) and returns at once when
 * there is none, so a waiting rank wakes within microseconds without taking a core from anyone; a park, or a
 * condition variable's wait, wakes tens of microseconds late (20 µs and the kernel's timer slack, ~70 µs measured;
 * a woken thread on an idle virtual CPU waits for the hypervisor too). 20,000 yields outlast a step's waits here.
 */
public final class Backoff {
    static final int SPINS = 2_000;
    static final int YIELDS = 20_000;

    private Backoff() {
    }

    /** One wait, the {@code idle}-th of this wait; returns {@code idle + 1}. Parks keep the interrupt status. */
    public static int pause(int idle) {
        if (idle < SPINS) {
            Thread.onSpinWait();
        } else if (idle < SPINS + YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(20_000);
        }
        return idle + 1;
    }

    /** Whether the wait has reached its parking phase and is due for a rarer look (once every {@code every} parks). */
    public static boolean parking(int idle, int every) {
        return idle >= SPINS + YIELDS && idle % every == 0;
    }
}
