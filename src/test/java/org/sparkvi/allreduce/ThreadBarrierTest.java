package org.sparkvi.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The lockstep engine's barrier: no party passes a meeting before every party has reached it, and sees what each
 * wrote before arriving; a party that breaks it, an interrupt, or a wait told to stop ends every wait instead of a
 * hang.
 */
class ThreadBarrierTest {
    @Test
    void everyMeetingWaitsForAllAndShowsTheirWrites() throws Exception {
        int parties = 4;
        int rounds = 20_000;
        ThreadBarrier barrier = new ThreadBarrier(parties);
        long[] written = new long[parties]; // plain fields: the barrier alone orders them
        ExecutorService pool = Executors.newFixedThreadPool(parties);
        try {
            Future<?>[] done = new Future<?>[parties];
            for (int p = 0; p < parties; p++) {
                int me = p;
                done[p] = pool.submit(() -> {
                    for (int r = 1; r <= rounds; r++) {
                        written[me] = r;
                        barrier.await(() -> false);
                        for (int q = 0; q < parties; q++) { // every party wrote round r before the meeting
                            if (written[q] != r) {
                                throw new AssertionError("round " + r + ": party " + q + " shows " + written[q]);
                            }
                        }
                        barrier.await(() -> false); // nobody writes round r + 1 before all have read round r
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBrokenBarrierEndsEveryWait() throws Exception {
        ThreadBarrier barrier = new ThreadBarrier(3);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> {
                barrier.await(() -> false);
                return null;
            });
            Future<?> b = pool.submit(() -> {
                barrier.await(() -> false);
                return null;
            });
            Thread.sleep(50); // both waiting (a third party will never come)
            RuntimeException cause = new IllegalStateException("task 2 failed");
            barrier.breakWith(cause);
            for (Future<?> f : new Future<?>[] {a, b}) {
                Exception e = assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertInstanceOf(ThreadBarrier.BrokenException.class, e.getCause());
                assertEquals(cause, e.getCause().getCause());
            }
            // and a later arrival does not wait either
            assertThrows(ThreadBarrier.BrokenException.class, () -> barrier.await(() -> false));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptOrAStopEndsAWait() throws Exception {
        ThreadBarrier interrupted = new ThreadBarrier(2);
        AtomicBoolean threw = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                interrupted.await(() -> false);
            } catch (InterruptedException e) {
                threw.set(true);
            }
        });
        t.start();
        Thread.sleep(50);
        t.interrupt();
        t.join(10_000);
        assertTrue(threw.get(), "the interrupted wait ended with InterruptedException");

        ThreadBarrier stopped = new ThreadBarrier(2);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> f = pool.submit(() -> {
                stopped.await(stop::get); // e.g. Spark marked the task killed without interrupting its thread
                return null;
            });
            Thread.sleep(50);
            stop.set(true);
            Exception e = assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ThreadBarrier.BrokenException.class, e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
