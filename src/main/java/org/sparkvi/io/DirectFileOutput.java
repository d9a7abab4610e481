package org.sparkvi.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A new local file written past the kernel's page cache ({@code O_DIRECT}), for outputs of hundreds of megabytes
 * that nothing reads back while the job runs. Buffered, each written page of the file costs a fresh page of the
 * cache, and on this project's virtual machines memory the guest has not touched lately costs the host a fault:
 * the 0.8 GB of a 10^7-event assignments.parquet took about 2 CPU-seconds of {@code copy_folio_from_iter_atomic}
 * (10 times the copy into recycled pages). Written direct, the disk reads the bytes from reused aligned buffers:
 * the caller fills one while a thread of the stream's own writes those already full, up to {@link #MAX_QUEUED} of
 * them, so the disk's time overlaps the caller's. As a side effect the output does not push the job's input out
 * of the page cache.
 *
 * <p>Direct I/O wants every write's buffer address, file offset and length a multiple of the file system's block:
 * the buffers are aligned slices of {@link ByteBuffer#allocateDirect} (kept for the next file when this one closes),
 * full buffers go at multiples of their size,
 * and {@link #close} pads the last block with zeros and truncates the file to the bytes written (the way Lucene's
 * {@code DirectIOIndexOutput} ends a file). {@link #flush} writes nothing: a partial block cannot go out until the
 * file's end is known.
 */
public final class DirectFileOutput extends PositionOutputStream {
    /** Bytes in each buffer: large writes, few system calls. */
    static final int BUFFER_BYTES = 4 << 20;
    /**
     * Full buffers that may wait for the disk at once (64 MB): a whole row group of {@link ColumnarParquetFile}, which
     * hands a row group over in one go, so that the task encodes the next one while the disk writes this one. With
     * two buffers, 10^7 assignments' tasks waited for the disk through each row group's hand-over (a fifth to a
     * third of their time idle).
     */
    static final int MAX_QUEUED = 16;
    /** Buffers kept for the next file ({@link #takeBuffer}): what two tasks' files hold at most. */
    private static final int KEPT_BUFFERS = 2 * (MAX_QUEUED + 1);
    private static final java.util.concurrent.ConcurrentLinkedDeque<ByteBuffer> FREE_BUFFERS =
            new java.util.concurrent.ConcurrentLinkedDeque<>();

    private final FileChannel channel;
    private final int block;
    private final ExecutorService writer;
    private ByteBuffer filling;
    /** Full buffers handed to the writer thread, oldest first, with their writes. */
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    /** This file's buffers whose writes have completed, for the next to fill. */
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    private long position;
    private long handedOver;
    private boolean closed;

    private record Queued(ByteBuffer buffer, Future<?> write) {
    }

    private DirectFileOutput(FileChannel channel, int block, String name) {
        this.channel = channel;
        this.block = block;
        this.filling = takeBuffer(block);
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sparkvi direct write " + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates {@code path} (which must not exist) for direct writing, or returns null where the file system, the
     * platform or the block size does not allow it (the caller then writes the usual way). A file the failed
     * attempt created is removed: the path did not exist before.
     */
    public static DirectFileOutput create(java.nio.file.Path path) throws IOException {
        long block = Files.getFileStore(path.getParent()).getBlockSize();
        if (block <= 0 || block > 1 << 16 || Long.bitCount(block) != 1) {
            return null;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    com.sun.nio.file.ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException e) {
            return null;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) { // EINVAL: the file system has no direct I/O; open(2) may have created the file
            Files.deleteIfExists(path);
            return null;
        }
        return new DirectFileOutput(channel, (int) block, path.getFileName().toString());
    }

    /**
     * A buffer aligned to {@code block}: one a closed file gave back, or a new one. Direct memory is freed only when
     * a collection finds its buffer unreachable, and fresh memory is what this class exists to avoid, so buffers are
     * kept for the next file (as many as two tasks' files need at once on each of a few cores).
     */
    private static ByteBuffer takeBuffer(int block) {
        for (ByteBuffer b; (b = FREE_BUFFERS.pollFirst()) != null; ) {
            if (b.alignmentOffset(0, block) == 0) {
                return b.clear();
            }
        }
        return ByteBuffer.allocateDirect(BUFFER_BYTES + block).alignedSlice(block).limit(BUFFER_BYTES).slice();
    }

    private static void giveBack(ByteBuffer b) {
        if (FREE_BUFFERS.size() < KEPT_BUFFERS) {
            FREE_BUFFERS.offerFirst(b);
        }
    }

    @Override
    public long getPos() {
        return position;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        filling.put((byte) b);
        position++;
        if (!filling.hasRemaining()) {
            handOver();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            int n = Math.min(len, filling.remaining());
            filling.put(b, off, n);
            off += n;
            len -= n;
            position += n;
            if (!filling.hasRemaining()) {
                handOver();
            }
        }
    }

    /** A closed stream's buffers may be another file's by now. */
    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("write after close");
        }
    }

    /**
     * Queues the full buffer for the writer thread and goes on filling another: a spare one, or a new one while
     * fewer than {@link #MAX_QUEUED} wait for the disk, or else the oldest once its write completes.
     */
    private void handOver() throws IOException {
        ByteBuffer full = filling.flip();
        long at = handedOver;
        handedOver += full.remaining();
        queued.add(new Queued(full, writer.submit(() -> {
            writeFully(full, at);
            return null;
        })));
        while (!queued.isEmpty() && (queued.size() >= MAX_QUEUED || queued.peekFirst().write().isDone())) {
            retireOldest();
        }
        filling = spare.isEmpty() ? takeBuffer(block) : spare.poll().clear();
    }

    private void writeFully(ByteBuffer buffer, long at) throws IOException {
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    /** Waits for the oldest queued write (its failure is this stream's) and keeps its buffer as a spare. */
    private void retireOldest() throws IOException {
        Queued q = queued.pollFirst();
        try {
            q.write().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a direct file");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        spare.add(q.buffer());
    }

    @Override
    public void flush() {
    }

    /** Writes what is left, padded to a whole block, and cuts the file back to the bytes written. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            while (!queued.isEmpty()) {
                retireOldest();
            }
            int tail = filling.position();
            if (tail > 0) {
                int padded = (tail + block - 1) / block * block;
                while (filling.position() < padded) {
                    filling.put((byte) 0);
                }
                writeFully(filling.flip(), handedOver);
                channel.truncate(position);
            }
            // every buffer idle now (after a failed write, those still queued are left to the collector)
            giveBack(filling);
            for (ByteBuffer b; (b = spare.poll()) != null; ) {
                giveBack(b);
            }
        } finally {
            writer.shutdownNow();
        }
    }
}
