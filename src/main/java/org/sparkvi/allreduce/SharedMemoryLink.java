package org.sparkvi.allreduce;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A two-way byte stream between two ranks on the same host, through one file in {@code /dev/shm} that both map: a
 * single-producer single-consumer ring per direction. It carries exactly what a TCP connection would (the same
 * messages, in the same order), with two memory copies per byte and no system call, where loopback TCP costs the
 * kernel's copies, its protocol and a wake-up per segment on the same cores that do the arithmetic (as NCCL's and
 * Gloo's shared-memory transports do between processes of one machine).
 *
 * <p>The dialling rank creates the file ({@link #create}), removes its name at once (keeping it open), fills it (so
 * that a full {@code /dev/shm} is an {@link IOException} now, not a fault on first touch), and offers a path to it,
 * {@code /proc/<its pid>/fd/<descriptor>}, and a random token over the TCP connection; the accepting rank maps it
 * only if it sees the token there ({@link #open}: same host, same process namespace). The mappings outlive the name
 * and the descriptor, so nothing is left in {@code /dev/shm} after the ranks stop, even if they are killed at any
 * point after the first microseconds. Where the descriptor cannot be read, the file keeps its name until the peer
 * has answered, and {@link #removeStale} sweeps up after a dialler killed in that window.
 *
 * <p>Layout: [token, capacity], then per ring a header of three cache lines (bytes written, bytes read, writer
 * closed), each counter written by one side only and published with release/acquire ordering, then the data. A side
 * that waits spins briefly, then yields (for milliseconds), then parks for tens of microseconds, and while parked
 * asks {@code peerAlive} (the TCP connection's end-of-stream) every few milliseconds, so a peer whose process died
 * is seen within tens of milliseconds, not at the timeout.
 */
final class SharedMemoryLink {
    /** Where the files go: a RAM file system on Linux. No such directory: no shared memory, TCP carries the data. */
    static final Path DIRECTORY = Path.of("/dev/shm");
    static final int DEFAULT_CAPACITY = 4 << 20;
    /** The names this class gives its files, and the only names {@link #removeStale} touches. */
    private static final Pattern NAME =
            Pattern.compile("sparkvi-allreduce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /**
     * A file lives by name from its creation until the peer has mapped it or declined (the handshake's wait, bounded
     * by the exchange timeout): one older than this was left by a dialler killed in between. If a timeout over this is
     * set and a peer is that slow, removing the name only makes the peer decline, and the pair stays on TCP.
     */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);
    private static final int LINE = 64;
    private static final int FILE_HEADER = LINE;
    private static final int RING_HEADER = 3 * LINE;
    private static final int WRITTEN = 0;
    private static final int READ = LINE;
    private static final int CLOSED = 2 * LINE;
    /**
     * The most a writer copies before it publishes: the reader copies one piece out while the writer copies the next
     * in (and reads it while it is still in cache), instead of waiting for the whole message.
     */
    static final int PIECE = 256 << 10;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** Whether the peer's process is still there (its TCP connection has not reached end-of-stream). */
    interface Liveness {
        boolean alive() throws IOException;
    }

    private final Path path;
    private final String offered; // what the peer opens: the name, or /proc/<pid>/fd/<n> once the name is gone
    private FileChannel held; // the dialler's open descriptor of a nameless file, until the peer has opened it
    private final long token;
    private final int capacity;
    private final MappedByteBuffer map;
    private final int out; // the ring this side writes: its header's offset
    private final int in; // the ring this side reads
    private long written; // this side's own counters, mirrored in the map
    private long read;
    private volatile boolean closed;

    private SharedMemoryLink(Path path, String offered, FileChannel held, long token, int capacity,
                             MappedByteBuffer map, int side) {
        this.path = path;
        this.offered = offered;
        this.held = held;
        this.token = token;
        this.capacity = capacity;
        this.map = map;
        int ring0 = FILE_HEADER;
        int ring1 = FILE_HEADER + RING_HEADER + capacity;
        this.out = side == 0 ? ring0 : ring1;
        this.in = side == 0 ? ring1 : ring0;
    }

    private static long fileSize(int capacity) {
        return FILE_HEADER + 2L * (RING_HEADER + capacity);
    }

    /** Whether this host offers a shared-memory directory at all. */
    static boolean available() {
        return Files.isDirectory(DIRECTORY) && Files.isWritable(DIRECTORY);
    }

    /** The dialling side: a new file of two rings of {@code capacity} bytes (a multiple of 64). */
    static SharedMemoryLink create(int capacity) throws IOException {
        if (capacity <= 0 || capacity % LINE != 0) {
            throw new IllegalArgumentException("a ring of " + capacity + " bytes (a positive multiple of 64)");
        }
        removeStale(DIRECTORY, FileTime.fromMillis(System.currentTimeMillis() - STALE_AFTER.toMillis()));
        Path path = DIRECTORY.resolve("sparkvi-allreduce-" + UUID.randomUUID());
        long token = new java.security.SecureRandom().nextLong();
        long size = fileSize(capacity);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            // the name goes at once when the peer can open the file through this process's descriptor instead: a
            // dialler killed from here on leaves nothing in /dev/shm (the kernel frees the file with its last user)
            String offered = path.toString();
            int fd = descriptor(ch);
            if (fd >= 0) {
                Files.deleteIfExists(path);
                offered = "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd;
            }
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < size; ) { // really allocate the pages: a full /dev/shm fails here, not on first touch
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                at += ch.write(zeros, at);
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            map.order(ByteOrder.nativeOrder());
            LONGS.setRelease(map, Long.BYTES, (long) capacity);
            LONGS.setRelease(map, 0, token);
            return new SharedMemoryLink(path, offered, ch, token, capacity, map, 0);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * The descriptor number of an open file channel (the JDK keeps it private; Spark's launcher opens java.io and
     * sun.nio.ch to unnamed modules), or -1 where it cannot be read or there is no /proc to open it through.
     */
    private static int descriptor(FileChannel ch) {
        if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
            return -1;
        }
        try {
            java.lang.reflect.Field fdField = ch.getClass().getDeclaredField("fd");
            fdField.setAccessible(true);
            java.io.FileDescriptor fd = (java.io.FileDescriptor) fdField.get(ch);
            java.lang.reflect.Field number = java.io.FileDescriptor.class.getDeclaredField("fd");
            number.setAccessible(true);
            return number.getInt(fd);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Removes the files of this class's naming in {@code directory} last modified before {@code before}: those of
     * diallers killed between creating a file and removing its name (each holds two rings of memory until removed).
     * Any other file, and any file this user may not remove, is left alone.
     */
    static void removeStale(Path directory, FileTime before) {
        try (var files = Files.newDirectoryStream(directory, f -> NAME.matcher(f.getFileName().toString()).matches())) {
            for (Path file : files) {
                try {
                    if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).compareTo(before) < 0) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException ignored) {
                    // another user's file, or gone meanwhile: not ours to insist on
                }
            }
        } catch (IOException ignored) {
            // an unreadable directory: create() reports it if it cannot make its own file there
        }
    }

    /** The accepting side: maps the dialler's file if it carries {@code token}; an IOException otherwise. */
    static SharedMemoryLink open(String name, long token) throws IOException {
        Path path = Path.of(name);
        if (!isAllReduceFile(path)) {
            throw new IOException("not an all-reduce file: " + name);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < FILE_HEADER) {
                throw new IOException(name + " holds " + size + " bytes, not an all-reduce file");
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            map.order(ByteOrder.nativeOrder());
            long capacity = (long) LONGS.getAcquire(map, Long.BYTES);
            if ((long) LONGS.getAcquire(map, 0) != token || capacity <= 0 || capacity % LINE != 0
                    || fileSize((int) Math.min(capacity, Integer.MAX_VALUE)) != size) {
                throw new IOException(name + " is not the file the peer offered (another host's, or a stale one)");
            }
            return new SharedMemoryLink(path, name, null, token, (int) capacity, map, 1);
        }
    }

    /**
     * A file of this class: by its name in /dev/shm, or a dialler's descriptor of one whose name is gone
     * ({@code /proc/<pid>/fd/<n>} whose link reads {@code /dev/shm/sparkvi-allreduce-… (deleted)}).
     */
    private static boolean isAllReduceFile(Path path) {
        if (path.getParent() != null && path.getParent().equals(DIRECTORY)) {
            return path.getFileName().toString().startsWith("sparkvi-allreduce-");
        }
        if (!path.toString().matches("/proc/[0-9]+/fd/[0-9]+")) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(path).toString();
            return target.startsWith(DIRECTORY.resolve("sparkvi-allreduce-").toString());
        } catch (IOException | RuntimeException e) { // no such process or descriptor, or not ours to read
            return false;
        }
    }

    /** The file's name in /dev/shm (removed by {@link #create} already where the descriptor could be offered). */
    Path name() {
        return path;
    }

    /** What the peer opens ({@link #open}): the file's name, or the dialler's descriptor of it once the name is gone. */
    String path() {
        return offered;
    }

    long token() {
        return token;
    }

    /**
     * The dialler, once the peer has mapped the file or declined: removes its name if it still has one, and closes the
     * descriptor the peer opened it through. The mappings stay valid.
     */
    void unlink() {
        try {
            if (held != null) {
                held.close();
                held = null;
            }
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a name left in /dev/shm costs memory, not correctness; nothing else to do from here
        }
    }

    /** Writes all of {@code src} (position to limit), waiting for room while the peer reads. */
    void write(ByteBuffer src, Liveness peerAlive) throws IOException {
        while (src.hasRemaining()) {
            long free = room(1, peerAlive);
            int at = (int) (written % capacity);
            int n = (int) Math.min(Math.min(Math.min(free, src.remaining()), capacity - at), PIECE);
            map.put(out + RING_HEADER + at, src, src.position(), n);
            src.position(src.position() + n);
            wrote(n);
        }
    }

    /** Fills {@code into} (position to limit), waiting while the peer has not written enough. */
    void read(ByteBuffer into, Liveness peerAlive) throws IOException {
        while (into.hasRemaining()) {
            long available = available(1, peerAlive);
            int at = (int) (read % capacity);
            int n = (int) Math.min(Math.min(available, into.remaining()), capacity - at);
            into.put(into.position(), map, in + RING_HEADER + at, n);
            into.position(into.position() + n);
            consumed(n);
        }
    }

    /**
     * Writes {@code src[off, off + len)} as little-endian floats straight from the array into the ring (no staging
     * buffer). Every message on a link is a whole number of 4-byte words, so a float never straddles the ring's end.
     */
    void writeFloats(float[] src, int off, int len, Liveness peerAlive) throws IOException {
        for (int done = 0; done < len; ) {
            long free = room(Float.BYTES, peerAlive);
            int at = aligned(written);
            int n = Math.min((int) Math.min(Math.min(free, capacity - at), PIECE) / Float.BYTES, len - done);
            floats(out + RING_HEADER + at, n).put(src, off + done, n);
            done += n;
            wrote(Float.BYTES * n);
        }
    }

    /** Reads {@code len} little-endian floats from the ring straight into {@code dst[off, off + len)}. */
    void readFloats(float[] dst, int off, int len, Liveness peerAlive) throws IOException {
        for (int done = 0; done < len; ) {
            long available = available(Float.BYTES, peerAlive);
            int at = aligned(read);
            int n = Math.min((int) Math.min(available, capacity - at) / Float.BYTES, len - done);
            floats(in + RING_HEADER + at, n).get(dst, off + done, n);
            done += n;
            consumed(Float.BYTES * n);
        }
    }

    /** n floats of the map from byte index, little-endian as they travel over TCP. */
    private java.nio.FloatBuffer floats(int index, int n) {
        return map.slice(index, Float.BYTES * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** The outgoing ring's free bytes now: a write of at most this many does not wait. */
    long roomNow() {
        return capacity - (written - (long) LONGS.getAcquire(map, out + READ));
    }

    /** Waits until the outgoing ring has room for at least {@code atLeast} bytes; returns the room. */
    private long room(int atLeast, Liveness peerAlive) throws IOException {
        for (int idle = 0; ; idle = pause(idle)) {
            long free = roomNow();
            if (free >= atLeast) {
                return free;
            }
            if (peerGone(idle, peerAlive)) {
                throw new EOFException("the peer stopped reading the shared-memory link (it closed or died)");
            }
        }
    }

    /** Waits until at least {@code atLeast} bytes have come in; returns how many there are. */
    private long available(int atLeast, Liveness peerAlive) throws IOException {
        for (int idle = 0; ; idle = pause(idle)) {
            long available = (long) LONGS.getAcquire(map, in + WRITTEN) - read;
            if (available >= atLeast) {
                return available;
            }
            if (peerGone(idle, peerAlive) && (long) LONGS.getAcquire(map, in + WRITTEN) - read < atLeast) {
                throw new EOFException("the peer closed its end of the shared-memory link mid-message");
            } // (if it wrote before it went, the next look reads that first)
        }
    }

    /** The peer has closed its end, or (asked now and then once parked) its process is gone. */
    private boolean peerGone(int idle, Liveness peerAlive) throws IOException {
        return (long) LONGS.getAcquire(map, in + CLOSED) != 0 || (parked(idle) && !peerAlive.alive());
    }

    /** Publishes n more bytes written (release: the reader that sees the count sees the bytes). */
    private void wrote(int n) {
        written += n;
        LONGS.setRelease(map, out + WRITTEN, written);
    }

    /** Hands n bytes read back to the writer. */
    private void consumed(int n) {
        read += n;
        LONGS.setRelease(map, in + READ, read);
    }

    /** The ring offset of a stream position that must fall on a 4-byte word (the float methods' precondition). */
    private int aligned(long position) {
        if (position % Float.BYTES != 0) {
            throw new IllegalStateException("floats at byte " + position + " of the stream: messages must be whole "
                    + "4-byte words");
        }
        return (int) (position % capacity);
    }

    /** Whether a wait has reached its parking phase and is due to ask for the peer's liveness (every 50 parks). */
    private static boolean parked(int idle) {
        return Backoff.parking(idle, 50);
    }

    /** One wait ({@link Backoff}). Throws once this side is closed (by the mesh's watchdog or its owner). */
    private int pause(int idle) throws IOException {
        if (closed) {
            throw new IOException("the shared-memory link was closed");
        }
        int next = Backoff.pause(idle);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting on the shared-memory link");
        }
        return next;
    }

    /** Tells the peer this side writes no more (its reads end with EOF), and ends this side's waits. */
    void close() {
        if (!closed) {
            closed = true;
            LONGS.setRelease(map, out + CLOSED, 1L);
        }
    }

    /**
     * Releases the mapping now instead of at some later garbage collection (each epoch maps a file: left to the
     * collector, /dev/shm would fill with the pages of dead epochs). Only when no thread can touch the map again.
     */
    void unmap() {
        close();
        try {
            java.lang.reflect.Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            unsafe.getClass().getMethod("invokeCleaner", ByteBuffer.class).invoke(unsafe, map);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no jdk.unsupported: the collector unmaps it later
        }
    }
}
