package org.sparkvi.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The driver's blob store: offered blobs encoded once and only when asked for, pushes taken once, clear errors. */
class BlobStoreTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void offeredBlobsAreEncodedOnceOnDemandAndPushedOnesTakenOnce() throws IOException {
        try (BlobStore store = BlobStore.open(LOOPBACK)) {
            InetSocketAddress at = new InetSocketAddress(LOOPBACK, store.port());
            AtomicInteger encodings = new AtomicInteger();
            byte[] big = new byte[10_000_019];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            store.offer("start/a", () -> {
                encodings.incrementAndGet();
                return big;
            });
            store.offer("start/unread", () -> {
                throw new AssertionError("nobody asked for it");
            });
            assertEquals(0, encodings.get());
            assertArrayEquals(big, BlobStore.fetch(at, "start/a", 10_000));
            assertArrayEquals(big, BlobStore.fetch(at, "start/a", 10_000));
            assertEquals(1, encodings.get());
            assertNull(BlobStore.fetch(at, "start/b", 10_000));

            BlobStore.push(at, "result/x/1.0/0", new byte[] {1, 2, 3}, 10_000);
            BlobStore.push(at, "result/x/1.1/0", new byte[] {4}, 10_000);
            assertArrayEquals(new byte[] {4}, store.take("result/x/1.1/0"));
            assertNull(store.take("result/x/1.1/0"));
            store.forget("result/x/");
            assertNull(store.take("result/x/1.0/0"));
            store.forget("start/");
            assertNull(BlobStore.fetch(at, "start/a", 10_000));
        }
    }

    @Test
    void anUnreachableOrSilentStoreIsAnErrorNamingTheSetting() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            free = s.getLocalPort();
        }
        InetSocketAddress nobody = new InetSocketAddress(LOOPBACK, free);
        IOException e = assertThrows(IOException.class, () -> BlobStore.fetch(nobody, "k", 2_000));
        assertTrue(e.getMessage().contains("cannot reach the driver's blob store"), e.getMessage());
        try (ServerSocket silent = new ServerSocket(0, 1, LOOPBACK)) { // accepts (backlog) but never answers
            long t0 = System.nanoTime();
            IOException t = assertThrows(IOException.class, () -> BlobStore.fetch(
                    new InetSocketAddress(LOOPBACK, silent.getLocalPort()), "k", 500));
            assertTrue(t.getMessage().contains(PeerMesh.TIMEOUT_SETTING), t.getMessage());
            assertTrue((System.nanoTime() - t0) / 1e9 < 5);
        }
    }
}
