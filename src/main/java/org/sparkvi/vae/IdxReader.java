package org.sparkvi.vae;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.sparkvi.UserInputException;

/**
 * IDX files (LeCun's MNIST format), raw or gzipped (detected from the gzip magic bytes): a big-endian header with
 * magic 0x0000_08_NN (unsigned bytes, NN dimensions), then NN sizes, then the data. Checks the magic, the number of
 * dimensions, the sizes, and that the file holds exactly the data its header announces.
 */
public final class IdxReader {
    private IdxReader() {
    }

    /** The images of an idx3 file: count × rows × cols unsigned bytes. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
    }

    public static Images images(Path file) {
        try (DataInputStream in = open(file)) {
            int dims = header(in, file, 3);
            int n = size(in, file, "image count");
            int rows = size(in, file, "rows");
            int cols = size(in, file, "columns");
            long bytes = (long) n * rows * cols;
            if (bytes > Integer.MAX_VALUE) {
                throw new UserInputException(file + ": " + n + " images of " + rows + "x" + cols + " is too large");
            }
            byte[] pixels = body(in, file, (int) bytes);
            assert dims == 3;
            return new Images(n, rows, cols, pixels);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static byte[] labels(Path file) {
        try (DataInputStream in = open(file)) {
            header(in, file, 1);
            int n = size(in, file, "label count");
            return body(in, file, n);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("IDX file not found: " + file);
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static int header(DataInputStream in, Path file, int expectedDims) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new UserInputException(file + " is not an IDX file: shorter than its 4-byte magic number");
        }
        int type = (magic >>> 8) & 0xff;
        int dims = magic & 0xff;
        if ((magic >>> 16) != 0 || type != 0x08) {
            throw new UserInputException(String.format("%s is not an IDX file of unsigned bytes: magic number 0x%08x, "
                    + "expected 0x%08x", file, magic, 0x0800 | expectedDims));
        }
        if (dims != expectedDims) {
            throw new UserInputException(String.format("%s has %d dimensions (magic 0x%08x) where %d were expected (%s)",
                    file, dims, magic, expectedDims, expectedDims == 3 ? "images" : "labels"));
        }
        return dims;
    }

    private static int size(DataInputStream in, Path file, String what) throws IOException {
        try {
            int v = in.readInt();
            if (v <= 0) {
                throw new UserInputException(file + ": " + what + " in the header is " + v);
            }
            return v;
        } catch (EOFException e) {
            throw new UserInputException(file + " is truncated: its header ends before the " + what);
        }
    }

    private static byte[] body(DataInputStream in, Path file, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        int read = in.readNBytes(data, 0, bytes);
        if (read < bytes) {
            throw new UserInputException(file + " is truncated: its header announces " + bytes + " data bytes but it holds "
                    + read);
        }
        if (in.read() != -1) {
            throw new UserInputException(file + " holds more data than its header announces (" + bytes + " bytes)");
        }
        return data;
    }
}
