package org.sparkvi.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The driver-side rendezvous: every rank of a stage attempt gets every address in rank order; attempts never mix. */
class RendezvousTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void everyRankGetsEveryAddressInRankOrderAndAttemptsDoNotMix() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (Rendezvous tracker = Rendezvous.open(LOOPBACK)) {
            InetSocketAddress at = new InetSocketAddress(LOOPBACK, tracker.port());
            List<Future<List<InetSocketAddress>>> attempt0 = new ArrayList<>();
            List<Future<List<InetSocketAddress>>> attempt1 = new ArrayList<>();
            for (int r : new int[] {3, 1, 0, 2}) { // joining out of order
                attempt0.add(pool.submit(() -> Rendezvous.join(at, new Handshake(7, 0, r, 4),
                        new InetSocketAddress("10.0.0." + r, 5000 + r), 5000)));
                if (r < 2) { // a relaunched attempt of the same stage meanwhile, with ranks of its own
                    attempt1.add(pool.submit(() -> Rendezvous.join(at, new Handshake(7, 1, r, 2),
                            new InetSocketAddress("10.0.1." + r, 6000 + r), 5000)));
                }
            }
            List<InetSocketAddress> expected0 = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                expected0.add(new InetSocketAddress("10.0.0." + r, 5000 + r));
            }
            for (Future<List<InetSocketAddress>> f : attempt0) {
                assertEquals(expected0, f.get());
            }
            List<InetSocketAddress> expected1 = List.of(new InetSocketAddress("10.0.1.0", 6000),
                    new InetSocketAddress("10.0.1.1", 6001));
            for (Future<List<InetSocketAddress>> f : attempt1) {
                assertEquals(expected1, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRankWhosePeersNeverComeFailsWithinTheTimeoutNamingTheSetting() throws Exception {
        try (Rendezvous tracker = Rendezvous.open(LOOPBACK)) {
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> Rendezvous.join(new InetSocketAddress(LOOPBACK,
                    tracker.port()), new Handshake(3, 0, 0, 2), new InetSocketAddress("10.0.0.1", 1), 500));
            assertTrue((System.nanoTime() - t0) / 1e9 < 5, "failed within the timeout");
            assertTrue(e.getMessage().contains(PeerMesh.TIMEOUT_SETTING), e.getMessage());
        }
    }
}
