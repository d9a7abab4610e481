package org.sparkvi.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared-memory link on its own: a byte stream (messages of every size, split and wrapped around the ring at
 * arbitrary points, arrive whole and in order in both directions), the token check, the end of stream after a graceful
 * close (what was written before it is still read), and a peer that dies without a word (its liveness turns false).
 */
class SharedMemoryLinkTest {
    static final SharedMemoryLink.Liveness ALIVE = () -> true;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void needsDevShm() {
        assumeTrue(SharedMemoryLink.available(), "no writable /dev/shm on this machine");
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /**
     * A pair of linked ends: the dialler's (side 0) and the acceptor's (side 1). The file has no name in /dev/shm from
     * the moment create() returns (the peer opens it through the dialler's descriptor), so a dialler killed at any
     * later point leaves nothing there.
     */
    static SharedMemoryLink[] pair(int capacity) throws IOException {
        SharedMemoryLink a = SharedMemoryLink.create(capacity);
        assertTrue(a.path().matches("/proc/" + ProcessHandle.current().pid() + "/fd/[0-9]+"), a.path());
        assertFalse(Files.exists(a.name()), "the file's name outlived create()");
        SharedMemoryLink b = SharedMemoryLink.open(a.path(), a.token());
        a.unlink();
        assertFalse(Files.exists(a.name()));
        return new SharedMemoryLink[] {a, b};
    }

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void messagesOfEverySizeArriveWholeAndInOrderBothWaysAtOnce() throws Exception {
        SharedMemoryLink[] ends = pair(4096); // a small ring: most messages wrap and wait for the reader
        int messages = 300;
        Future<?>[] writers = new Future<?>[2];
        Future<?>[] readers = new Future<?>[2];
        for (int side = 0; side < 2; side++) {
            SharedMemoryLink me = ends[side];
            int s = side;
            writers[side] = pool.submit(() -> {
                SplittableRandom sizes = new SplittableRandom(s);
                for (int m = 0; m < messages; m++) {
                    byte[] b = bytes(1000L * s + m, sizes.nextInt(1, 20_000));
                    ByteBuffer direct = ByteBuffer.allocateDirect(b.length + 7).position(7); // a message mid-buffer
                    direct.put(b).position(7);
                    me.write(direct, ALIVE);
                }
                return null;
            });
            readers[side] = pool.submit(() -> {
                int from = 1 - s;
                SplittableRandom sizes = new SplittableRandom(from);
                for (int m = 0; m < messages; m++) {
                    byte[] expected = bytes(1000L * from + m, sizes.nextInt(1, 20_000));
                    ByteBuffer got = ByteBuffer.allocate(expected.length);
                    me.read(got, ALIVE);
                    assertArrayEquals(expected, got.array(), "message " + m + " from side " + from);
                }
                return null;
            });
        }
        for (int side = 0; side < 2; side++) {
            writers[side].get(60, TimeUnit.SECONDS);
            readers[side].get(60, TimeUnit.SECONDS);
        }
        ends[0].unmap();
        ends[1].unmap();
    }

    /** Float arrays written and read straight through the ring (headers between them) arrive as their bytes would. */
    @Test
    void floatsStraightFromArraysWrapTheRingAndMixWithBytes() throws Exception {
        SharedMemoryLink[] ends = pair(1024);
        int messages = 200;
        Future<?> writing = pool.submit(() -> {
            SplittableRandom rnd = new SplittableRandom(3);
            for (int m = 0; m < messages; m++) {
                float[] f = new float[rnd.nextInt(1, 3000)];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) rnd.nextGaussian();
                }
                ends[0].write(ByteBuffer.allocate(8).putInt(m).putInt(f.length).flip(), ALIVE);
                int off = rnd.nextInt(0, f.length);
                ends[0].writeFloats(f, off, f.length - off, ALIVE);
                ends[0].writeFloats(f, 0, off, ALIVE);
            }
            return null;
        });
        SplittableRandom rnd = new SplittableRandom(3);
        for (int m = 0; m < messages; m++) {
            float[] expected = new float[rnd.nextInt(1, 3000)];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = (float) rnd.nextGaussian();
            }
            int off = rnd.nextInt(0, expected.length);
            ByteBuffer header = ByteBuffer.allocate(8);
            ends[1].read(header, ALIVE);
            assertEquals(m, header.getInt(0));
            assertEquals(expected.length, header.getInt(4));
            float[] got = new float[expected.length];
            ByteBuffer first = ByteBuffer.allocate(Float.BYTES * (expected.length - off)); // the bytes, as TCP would carry them
            ends[1].read(first, ALIVE);
            first.flip().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got, off, expected.length - off);
            ends[1].readFloats(got, 0, off, ALIVE);
            assertArrayEquals(expected, got, "message " + m);
        }
        writing.get(60, TimeUnit.SECONDS);
        ends[0].unmap();
        ends[1].unmap();
    }

    @Test
    void aFileWithAnotherTokenOrOutsideDevShmOrAnotherDescriptorIsRefused() throws Exception {
        SharedMemoryLink a = SharedMemoryLink.create(4096);
        try {
            IOException e = assertThrows(IOException.class, () -> SharedMemoryLink.open(a.path(), a.token() + 1));
            assertTrue(e.getMessage().contains("not the file the peer offered"), e.getMessage());
            assertThrows(IOException.class, () -> SharedMemoryLink.open("/tmp/sparkvi-allreduce-x", a.token()));
            // a descriptor of this process that is not an all-reduce file
            Path notARing = Files.createTempFile("not-a-ring", ".bin");
            try (java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(notARing,
                    java.nio.file.StandardOpenOption.READ)) {
                String proc = null;
                for (String fd : new java.io.File("/proc/self/fd").list()) {
                    Path link = Path.of("/proc/self/fd", fd);
                    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(notARing)) {
                        proc = "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd;
                    }
                }
                assertTrue(proc != null, "the open temporary file's descriptor");
                String descriptor = proc;
                IOException refused = assertThrows(IOException.class, () -> SharedMemoryLink.open(descriptor, a.token()));
                assertTrue(refused.getMessage().contains("not an all-reduce file"), refused.getMessage());
            } finally {
                Files.deleteIfExists(notARing);
            }
        } finally {
            a.unlink();
            a.unmap();
        }
    }

    @Test
    void afterAGracefulCloseTheReaderGetsWhatWasWrittenThenEndOfStream() throws Exception {
        SharedMemoryLink[] ends = pair(4096);
        byte[] b = bytes(7, 3000);
        ends[0].write(ByteBuffer.wrap(b), ALIVE);
        ends[0].close();
        ByteBuffer got = ByteBuffer.allocate(3000);
        ends[1].read(got, ALIVE);
        assertArrayEquals(b, got.array());
        assertThrows(EOFException.class, () -> ends[1].read(ByteBuffer.allocate(1), ALIVE));
        // and a writer whose ring is full learns that nobody will read it any more
        ends[1].close();
        assertThrows(EOFException.class, () -> ends[0].write(ByteBuffer.allocate(10_000), ALIVE));
        ends[0].unmap();
        ends[1].unmap();
    }

    @Test
    void aPeerThatDiesWithoutClosingEndsTheWaitWithinMilliseconds() throws Exception {
        SharedMemoryLink[] ends = pair(4096);
        AtomicBoolean peerAlive = new AtomicBoolean(true);
        Future<?> reading = pool.submit(() -> {
            ends[1].read(ByteBuffer.allocate(100), peerAlive::get);
            return null;
        });
        Thread.sleep(200); // the reader is parked by now
        long t0 = System.nanoTime();
        peerAlive.set(false); // its process is gone: no closed flag, only its TCP connection's end
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> reading.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof EOFException, String.valueOf(e.getCause()));
        double ms = (System.nanoTime() - t0) / 1e6;
        assertTrue(ms < 1000, "noticed after " + ms + " ms");
        ends[0].unmap();
        ends[1].unmap();
    }

    /** A dialler killed between creating its file and removing the name leaves the file; the next dialler removes it. */
    @Test
    void aFileLeftByAKilledDiallerIsRemovedByTheNextAndNothingElseIs(@TempDir Path dir) throws Exception {
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - SharedMemoryLink.STALE_AFTER.toMillis() - 60_000);
        Path stale = Files.write(dir.resolve("sparkvi-allreduce-" + java.util.UUID.randomUUID()), new byte[100]);
        Path fresh = Files.write(dir.resolve("sparkvi-allreduce-" + java.util.UUID.randomUUID()), new byte[100]);
        Path notOurs = Files.write(dir.resolve("sparkvi-allreduce-notes.txt"), new byte[100]);
        Path other = Files.write(dir.resolve("postgres-shm"), new byte[100]);
        Path folder = Files.createDirectory(dir.resolve("sparkvi-allreduce-" + java.util.UUID.randomUUID()));
        for (Path p : new Path[] {stale, notOurs, other, folder}) {
            Files.setLastModifiedTime(p, old);
        }
        SharedMemoryLink.removeStale(dir, FileTime.fromMillis(System.currentTimeMillis() - SharedMemoryLink.STALE_AFTER.toMillis()));
        assertFalse(Files.exists(stale));
        for (Path kept : new Path[] {fresh, notOurs, other, folder}) {
            assertTrue(Files.exists(kept), kept + " is not a stale all-reduce file and must stay");
        }

        // and in /dev/shm itself, create() does the sweep
        Path leftover = Files.write(SharedMemoryLink.DIRECTORY.resolve("sparkvi-allreduce-" + java.util.UUID.randomUUID()),
                new byte[0]);
        Files.setLastModifiedTime(leftover, old);
        SharedMemoryLink[] ends = pair(4096);
        assertFalse(Files.exists(leftover), "create() removes a killed dialler's file");
        ends[0].unmap();
        ends[1].unmap();
    }
}
