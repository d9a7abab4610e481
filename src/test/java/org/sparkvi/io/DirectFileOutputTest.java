package org.sparkvi.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectFileOutput} writes exactly the bytes given, whatever their count against the file system's block and
 * the stream's buffers (none, one, a block either side, a buffer either side, several buffers, more than may wait
 * for the disk at once), whether they come a byte or a run at a time, and reports the position as it goes, one file
 * after another on the buffers the last one gave back; it refuses a write after close, and a path that exists,
 * which it leaves as it was. The files go under Maven's {@code target/}, on the disk that holds the project: a
 * temporary folder may be a file system without direct I/O, where {@code create} returns null and the writer takes
 * the page cache.
 */
class DirectFileOutputTest {
    private static final int B = DirectFileOutput.BUFFER_BYTES;

    @Test
    void writesExactlyTheBytesGivenWhateverTheirCount() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "direct-file-output-test"));
        Random random = new Random(11);
        for (int size : new int[] {0, 1, 4095, 4096, 4097, 65_537, B - 1, B, B + 1, 2 * B + 12_345,
                (DirectFileOutput.MAX_QUEUED + 3) * B + 777}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            Path file = dir.resolve("file-" + size);
            Files.deleteIfExists(file);
            try (DirectFileOutput out = DirectFileOutput.create(file)) {
                assertNotNull(out, "the project's disk takes direct writes (" + Files.getFileStore(dir).type() + ")");
                int at = 0;
                while (at < size) {
                    if (random.nextInt(4) == 0) { // a byte at a time, as Parquet writes a footer's lengths
                        out.write(bytes[at++]);
                    } else {
                        int run = Math.min(size - at, random.nextInt(random.nextBoolean() ? 5000 : 3 * B / 2) + 1);
                        out.write(bytes, at, run);
                        at += run;
                    }
                    assertEquals(at, out.getPos());
                }
            }
            assertArrayEquals(bytes, Files.readAllBytes(file), size + " bytes");
            Files.delete(file);
        }
    }

    @Test
    void refusesAWriteAfterCloseWhoseBuffersTheNextFileHas() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "direct-file-output-test"));
        Path first = dir.resolve("closed-first");
        Path second = dir.resolve("written-second");
        Files.deleteIfExists(first);
        Files.deleteIfExists(second);
        DirectFileOutput closed = DirectFileOutput.create(first);
        closed.write(new byte[] {1, 2, 3});
        closed.close();
        try (DirectFileOutput next = DirectFileOutput.create(second)) {
            next.write(new byte[] {4, 5});
            assertThrows(java.io.IOException.class, () -> closed.write(9));
            assertThrows(java.io.IOException.class, () -> closed.write(new byte[] {9, 9}, 0, 2));
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(first));
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(second));
        Files.delete(first);
        Files.delete(second);
    }

    @Test
    void refusesAPathThatExistsAndLeavesIt() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "direct-file-output-test"));
        Path file = dir.resolve("someone-elses");
        Files.writeString(file, "not ours");
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> DirectFileOutput.create(file));
        assertEquals("not ours", Files.readString(file));
        Files.delete(file);
    }
}
