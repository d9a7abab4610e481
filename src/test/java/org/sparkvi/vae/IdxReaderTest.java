package org.sparkvi.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.UserInputException;

/** The IDX reader on hand-made files, raw and gzipped, and on broken ones. */
class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] idx(int magic, int[] sizes, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        for (int s : sizes) {
            d.writeInt(s);
        }
        d.write(data);
        return b.toByteArray();
    }

    Path write(String name, byte[] bytes, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            o.write(bytes);
        }
        return p;
    }

    @Test
    void readsHandMadeFilesRawAndGzipped() throws IOException {
        byte[] pixels = new byte[2 * 3 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 10);
        }
        for (boolean gz : new boolean[] {false, true}) {
            IdxReader.Images im = IdxReader.images(write("img" + gz, idx(0x803, new int[] {2, 3, 4}, pixels), gz));
            assertEquals(2, im.count());
            assertEquals(3, im.rows());
            assertEquals(4, im.cols());
            assertArrayEquals(pixels, im.pixels());
            assertArrayEquals(new byte[] {7, 1, 9}, IdxReader.labels(write("lab" + gz, idx(0x801, new int[] {3}, new byte[] {7, 1, 9}), gz)));
        }
    }

    @Test
    void brokenFilesGetClearErrors() throws IOException {
        byte[] ok = new byte[2 * 2 * 2];
        expect(write("magic", idx(0x1234, new int[] {2, 2, 2}, ok), false), "not an IDX file of unsigned bytes");
        expect(write("dims", idx(0x801, new int[] {8}, ok), false), "1 dimensions");
        expect(write("short", new byte[] {0, 0}, false), "shorter than its 4-byte magic");
        expect(write("header", idx(0x803, new int[] {2}, new byte[0]), false), "truncated: its header ends");
        expect(write("body", idx(0x803, new int[] {2, 2, 2}, new byte[5]), true), "announces 8 data bytes but it holds 5");
        expect(write("extra", idx(0x803, new int[] {2, 2, 2}, new byte[9]), false), "more data than its header");
        expect(write("zero", idx(0x803, new int[] {0, 2, 2}, new byte[0]), false), "image count in the header is 0");
        expect(dir.resolve("missing"), "not found");
    }

    private static void expect(Path file, String fragment) {
        UserInputException e = assertThrows(UserInputException.class, () -> IdxReader.images(file));
        assertTrue(e.getMessage().contains(fragment) && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void bundledSampleIsRealMnist() {
        MnistData train = MnistData.load(Path.of("data/mnist-sample"), "train");
        MnistData test = MnistData.load(Path.of("data/mnist-sample"), "t10k");
        assertEquals(2000, train.count());
        assertEquals(500, test.count());
        assertEquals(5, train.labels()[0], "the first MNIST training image is a 5");
        assertEquals(7, test.labels()[0], "the first MNIST test image is a 7");
    }
}
