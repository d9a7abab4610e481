package org.sparkvi.allreduce;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

/**
 * Every {@link SliceAllReduceTest} again with shared memory allowed: the ranks (threads of one JVM, so on one host)
 * link through {@link SharedMemoryLink}s, and the sums, the refusal of a stale attempt and the failures of a stalled or
 * dead peer must come out as over TCP.
 */
class SliceAllReduceOverSharedMemoryTest extends SliceAllReduceTest {
    @BeforeEach
    void needsDevShm() {
        assumeTrue(SharedMemoryLink.available(), "no writable /dev/shm on this machine");
    }

    @Override
    boolean sharedMemory() {
        return true;
    }
}
