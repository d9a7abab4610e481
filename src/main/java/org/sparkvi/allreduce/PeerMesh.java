package org.sparkvi.allreduce;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A TCP connection between every pair of P ranks, over {@code java.nio} socket channels. Each rank binds a server
 * socket on an ephemeral port ({@link #bind}), the ranks share their addresses by some rendezvous (the driver's
 * {@link Rendezvous}), and {@link #connect} links them: rank r dials every higher rank and accepts every lower one,
 * each connection opened by a {@link Handshake} that the acceptor checks (a stale attempt's connection is refused and
 * closed; the acceptor keeps waiting for the right one).
 *
 * <p>Sends go out on a thread of their own, in call order: two ranks writing large messages to each other from the
 * threads that also read would deadlock once the kernel's buffers fill. Reads block on the caller's thread for at most
 * the timeout, so a peer that died or stalled becomes an {@link IOException} naming the peer and the setting, not a
 * hang (the handshake's reads use the socket's own timeout, the steps' a watchdog). TCP_NODELAY is on (a step's last segment must not wait for an acknowledgement) and the socket buffers are
 * large (a step moves megabytes).
 *
 * <p>With shared memory allowed ({@link #bind(InetAddress, Handshake, int, boolean)}), two ranks that turn out to be on
 * the same host (the dialler's file in /dev/shm is visible to the acceptor) move their bytes through a
 * {@link SharedMemoryLink} instead; the TCP connection stays open as the peer's sign of life (a killed process's
 * connection reaches end-of-stream at once). The messages, their order and so every sum are the same either way.
 */
public final class PeerMesh implements AutoCloseable {
    /** The setting that a timeout's message names (the engine reads the timeout from it). */
    public static final String TIMEOUT_SETTING = "spark.sparkvi.vae.exchangeTimeout";
    static final int BUFFER_BYTES = 4 << 20;

    private final Handshake self;
    private final ServerSocketChannel server;
    private final int timeoutMillis;
    private final SocketChannel[] channels;
    private final SharedMemoryLink[] links; // per rank: the shared-memory link, or null where TCP carries the data
    private final boolean sharedMemory;
    private volatile Thread watchdog;
    private final String[] names;
    private final ExecutorService sender;
    private final List<Future<?>> pending = new ArrayList<>();
    private final Future<?>[] lastQueued; // per rank: the last send queued for it on the sender thread
    private volatile boolean closed;
    private volatile boolean timedOut;
    private volatile long receivingSince; // System.nanoTime() when the current receive began, 0 when none runs

    private PeerMesh(Handshake self, ServerSocketChannel server, int timeoutMillis, boolean sharedMemory) {
        this.self = self;
        this.server = server;
        this.timeoutMillis = timeoutMillis;
        this.sharedMemory = sharedMemory;
        this.channels = new SocketChannel[self.ranks()];
        this.links = new SharedMemoryLink[self.ranks()];
        this.lastQueued = new Future<?>[self.ranks()];
        this.names = new String[self.ranks()];
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "all-reduce sender, " + self);
            t.setDaemon(true);
            return t;
        });
    }

    /** {@link #bind(InetAddress, Handshake, int, boolean)} with TCP for every pair of ranks. */
    public static PeerMesh bind(InetAddress address, Handshake self, int timeoutMillis) throws IOException {
        return bind(address, self, timeoutMillis, false);
    }

    /**
     * Binds a server socket on {@code address}, port 0 (the kernel picks a free one). With {@code sharedMemory}, ranks
     * on the same host exchange their data through shared memory (where both allow it), the others over TCP.
     */
    public static PeerMesh bind(InetAddress address, Handshake self, int timeoutMillis, boolean sharedMemory)
            throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER_BYTES); // before bind: inherited, window scaling
            server.bind(new InetSocketAddress(address, 0), Math.max(50, 2 * self.ranks()));
            server.socket().setSoTimeout(timeoutMillis);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot bind an all-reduce socket on " + address.getHostAddress() + " (port 0): " + e
                    .getMessage() + "; set spark.sparkvi.vae.bindAddress to this host's address on the cluster's network", e);
        }
        return new PeerMesh(self, server, timeoutMillis, sharedMemory);
    }

    /** host:port that the other ranks dial. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.socket().getLocalSocketAddress();
    }

    public Handshake self() {
        return self;
    }

    /** Links this rank to every other: {@code addresses} indexed by rank (this rank's own entry is ignored). */
    public void connect(List<InetSocketAddress> addresses) throws IOException {
        if (addresses.size() != self.ranks()) {
            throw new IllegalArgumentException(addresses.size() + " addresses for " + self.ranks() + " ranks");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        // accept the lower ranks on the sender thread (idle until the first step) while dialling the higher ones here
        Future<?> accepting = sender.submit(() -> {
            acceptLowerRanks(deadline);
            return null;
        });
        for (int q = self.rank() + 1; q < self.ranks(); q++) {
            dial(q, addresses.get(q), deadline);
        }
        await(accepting, deadline, "accepting the connections of ranks 0.." + (self.rank() - 1));
        Thread w = new Thread(this::watch, "all-reduce watchdog, " + self);
        w.setDaemon(true);
        watchdog = w;
        w.start();
    }

    private void dial(int q, InetSocketAddress to, long deadline) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            configure(ch);
            ch.socket().connect(to, remainingMillis(deadline));
            writeFully(ch, self.encode());
            DataInputStream in = new DataInputStream(ch.socket().getInputStream());
            ch.socket().setSoTimeout(remainingMillis(deadline));
            int status = in.readInt();
            int theirStage = in.readInt();
            int theirAttempt = in.readInt();
            if (status != Handshake.ACCEPTED) {
                throw new IOException("rank " + q + " at " + to + " (stage " + theirStage + " attempt " + theirAttempt
                        + ") refused the connection of " + self);
            }
            offerSharedMemory(q, ch, in);
            link(q, ch, to.toString());
        } catch (SocketTimeoutException e) {
            ch.close();
            throw timeout("connecting to rank " + q + " at " + to);
        } catch (java.net.ConnectException | java.net.NoRouteToHostException e) {
            ch.close();
            throw new IOException(self + " cannot reach rank " + q + " at " + to + " (" + e.getMessage() + "): set "
                    + "spark.sparkvi.vae.bindAddress to an address the executors can reach each other on", e);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private void acceptLowerRanks(long deadline) throws IOException {
        int missing = self.rank();
        while (missing > 0) {
            Socket s;
            try {
                server.socket().setSoTimeout(remainingMillis(deadline));
                s = server.socket().accept();
            } catch (SocketTimeoutException e) {
                throw timeout("waiting for " + missing + " lower rank(s) to connect");
            }
            SocketChannel ch = s.getChannel();
            try {
                configure(ch);
                s.setSoTimeout(remainingMillis(deadline));
                DataInputStream in = new DataInputStream(s.getInputStream());
                Handshake peer = Handshake.read(in);
                String why = self.refusal(peer);
                if (why == null && (peer.rank() > self.rank() || channels[peer.rank()] != null)) {
                    why = "rank " + peer.rank() + " is not a lower rank still missing";
                }
                writeFully(ch, reply(why == null ? Handshake.ACCEPTED : Handshake.REFUSED));
                if (why != null) {
                    ch.close(); // a stale attempt's (or a stranger's) connection: refused, keep waiting for ours
                    continue;
                }
                acceptSharedMemory(peer.rank(), ch, in);
                link(peer.rank(), ch, String.valueOf(s.getRemoteSocketAddress()));
                missing--;
            } catch (IOException e) { // a connection that broke or spoke garbage during its handshake: not ours
                ch.close();
            }
        }
    }

    /**
     * The dialler's side of choosing the transport: it offers a fresh shared-memory file (its path and token; an
     * empty path when shared memory is off or unavailable here) and uses it if the acceptor could map it. Either way
     * the file's name is removed at once.
     */
    private void offerSharedMemory(int q, SocketChannel ch, DataInputStream in) throws IOException {
        SharedMemoryLink link = null;
        if (sharedMemory && SharedMemoryLink.available()) {
            try {
                link = SharedMemoryLink.create(SharedMemoryLink.DEFAULT_CAPACITY);
            } catch (IOException e) { // e.g. a full /dev/shm: TCP it is
                link = null;
            }
        }
        try {
            byte[] path = link == null ? new byte[0] : link.path().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ByteBuffer offer = ByteBuffer.allocate(Integer.BYTES + path.length + Long.BYTES);
            offer.putInt(path.length).put(path).putLong(link == null ? 0 : link.token()).flip();
            writeFully(ch, offer);
            boolean taken = in.readInt() == 1;
            if (link != null) {
                link.unlink();
                if (taken) {
                    links[q] = link;
                } else {
                    link.unmap();
                }
            }
        } catch (IOException e) {
            if (link != null) {
                link.unlink();
                link.unmap();
            }
            throw e;
        }
    }

    /** The acceptor's side: maps the offered file if shared memory is allowed here and the file is this host's. */
    private void acceptSharedMemory(int q, SocketChannel ch, DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 4096) {
            throw new IOException("a malformed transport offer from rank " + q);
        }
        byte[] path = new byte[length];
        in.readFully(path);
        long token = in.readLong();
        SharedMemoryLink link = null;
        if (length > 0 && sharedMemory) {
            try {
                link = SharedMemoryLink.open(new String(path, java.nio.charset.StandardCharsets.UTF_8), token);
            } catch (IOException | RuntimeException e) { // another host's path, or no /dev/shm here: TCP
                link = null;
            }
        }
        writeFully(ch, ByteBuffer.allocate(Integer.BYTES).putInt(link == null ? 0 : 1).flip());
        links[q] = link;
    }

    /** How many of this rank's peers it reaches through shared memory (the rest over TCP). */
    public int sharedMemoryPeers() {
        int n = 0;
        for (SharedMemoryLink l : links) {
            n += l == null ? 0 : 1;
        }
        return n;
    }

    /** A shared-memory peer's sign of life: its TCP connection, read without blocking, has not reached its end. */
    private boolean alive(int q) throws IOException {
        SocketChannel ch = channels[q];
        synchronized (ch.blockingLock()) {
            if (ch.isBlocking()) {
                ch.configureBlocking(false);
            }
        }
        int n = ch.read(ByteBuffer.allocate(1));
        if (n > 0) {
            throw new IOException(names[q] + " sent bytes over TCP on a shared-memory link: not an all-reduce peer");
        }
        return n == 0;
    }

    private ByteBuffer reply(int status) {
        ByteBuffer b = ByteBuffer.allocate(3 * Integer.BYTES);
        b.putInt(status).putInt(self.stageId()).putInt(self.attempt()).flip();
        return b;
    }

    private static void configure(SocketChannel ch) throws IOException {
        ch.configureBlocking(true);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER_BYTES);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER_BYTES);
    }

    private void link(int q, SocketChannel ch, String name) throws IOException {
        channels[q] = ch;
        names[q] = "rank " + q + " (" + name + ")";
    }

    /** Queues {@code data} (position to limit) for rank q on the sender thread; {@link #flush} waits for it. */
    public void send(int q, ByteBuffer data) {
        SocketChannel ch = channels[q];
        SharedMemoryLink link = links[q];
        if (link == null) {
            queue(q, () -> writeFully(ch, data));
        } else {
            writeShared(q, data.remaining(), () -> link.write(data, () -> alive(q)));
        }
    }

    /**
     * A write to a shared-memory peer: on the caller's thread when the whole message fits in the ring now and nothing
     * for that peer waits on the sender thread (so the order holds), else queued. Such a write never waits, so it
     * cannot deadlock, and it saves the hand-over, while a sender thread copying beside the arithmetic takes turns
     * with it on the same core.
     */
    private void writeShared(int q, long bytes, Io write) {
        Future<?> before = lastQueued[q];
        if ((before != null && !before.isDone()) || links[q].roomNow() < bytes) {
            queue(q, write);
            return;
        }
        try {
            receiving(q, write); // marked as a receive is: close() leaves the map to the thread that touches it
        } catch (IOException e) { // reported where a queued send's failure is: at the flush
            pending.add(java.util.concurrent.CompletableFuture.failedFuture(e));
        }
    }

    /** An exchange's piece of I/O, run on the sender thread or by a receive. */
    private interface Io {
        void run() throws IOException;
    }

    /** Runs {@code send} on the sender thread after every send queued before it. */
    private void queue(int q, Io send) {
        Future<?> f = sender.submit(() -> {
            send.run();
            return null;
        });
        lastQueued[q] = f;
        pending.add(f);
    }

    /** Whether rank q's bytes travel through shared memory (then {@link #sendFloats} applies). */
    public boolean usesSharedMemory(int q) {
        return links[q] != null;
    }

    /**
     * Queues {@code src[off, off + len)} for rank q, a shared-memory peer, as little-endian floats, like {@link #send}
     * of those bytes: the sender thread copies straight from the array, which must not change until {@link #flush}.
     */
    public void sendFloats(int q, float[] src, int off, int len) {
        SharedMemoryLink link = links[q];
        if (link == null) {
            throw new IllegalStateException(names[q] + " is not linked through shared memory");
        }
        writeShared(q, (long) Float.BYTES * len, () -> link.writeFloats(src, off, len, () -> alive(q)));
    }

    /** Fills {@code dst[off, off + len)} with little-endian floats from rank q (through {@code staging} over TCP). */
    public void receiveFloats(int q, float[] dst, int off, int len, ByteBuffer staging) throws IOException {
        SharedMemoryLink link = links[q];
        if (link == null) {
            for (int done = 0; done < len; ) { // staging may be smaller than the message: piece by piece
                int n = Math.min(len - done, staging.capacity() / Float.BYTES);
                ByteBuffer b = staging.clear().limit(Float.BYTES * n);
                receive(q, b);
                b.flip().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, off + done, n);
                done += n;
            }
            return;
        }
        receiving(q, () -> fromLink(q, () -> link.readFloats(dst, off, len, () -> alive(q))));
    }

    /** Waits until every queued send is in the kernel's hands; a failed send rethrown, a stuck one a timeout. */
    public void flush() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            for (Future<?> f : pending) {
                await(f, deadline, "sending to a peer");
            }
        } finally {
            pending.clear();
        }
    }

    /**
     * Fills {@code into} (position to limit) from rank q. A blocking channel read has no timeout of its own: the
     * watchdog closes the mesh when a receive has waited longer than the timeout, which ends the read.
     */
    public void receive(int q, ByteBuffer into) throws IOException {
        SharedMemoryLink link = links[q];
        receiving(q, link != null ? () -> fromLink(q, () -> link.read(into, () -> alive(q))) : () -> {
            while (into.hasRemaining()) {
                if (channels[q].read(into) < 0) {
                    throw new EOFException(names[q] + " closed its connection to " + self + " mid-message: that task "
                            + "failed or was killed");
                }
            }
        });
    }

    /**
     * Runs a receive from rank q under the watchdog: a receive that waited past the timeout (the watchdog closed the
     * mesh under it) is reported as that timeout.
     */
    private void receiving(int q, Io receive) throws IOException {
        receivingSince = System.nanoTime(); // before the closed check: close() unmaps only while no receive runs
        try {
            if (closed) {
                throw new IOException(self + ": the all-reduce was closed");
            }
            receive.run();
        } catch (IOException e) {
            throw timedOut ? timeout("receiving from " + names[q]) : e;
        } finally {
            receivingSince = 0;
        }
    }

    /** A read from rank q's shared-memory link, its end of stream said as TCP's is: that task failed or was killed. */
    private void fromLink(int q, Io read) throws IOException {
        try {
            read.run();
        } catch (EOFException e) {
            EOFException gone = new EOFException(names[q] + " closed its shared-memory link to " + self + " mid-message: "
                    + "that task failed or was killed (" + e.getMessage() + ")");
            gone.initCause(e);
            throw gone;
        }
    }

    /** Closes the mesh once a receive has waited longer than the timeout (checked 4 times per timeout, at least 1/s). */
    private void watch() {
        long period = Math.max(1, Math.min(1000, timeoutMillis / 4));
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long since = receivingSince;
            if (since != 0 && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
                timedOut = true;
                close();
            }
        }
    }

    private IOException timeout(String what) {
        return new IOException(self + ": no progress " + what + " for " + timeoutMillis + " ms: the peer died, stalled or is "
                + "unreachable (raise " + TIMEOUT_SETTING + " if steps are legitimately this slow, or set "
                + "spark.sparkvi.vae.bindAddress if the hosts have several network interfaces)");
    }

    private void await(Future<?> f, long deadline, String what) throws IOException {
        try {
            f.get(Math.max(1, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw timeout(what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(self + ": interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(self + ": " + what + " failed: " + c, c);
        }
    }

    private int remainingMillis(long deadline) throws SocketTimeoutException {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes every connection and the server socket, and stops the sender thread (a blocked send fails). The
     * shared-memory maps are released here when no thread can still touch them (the sender has stopped, no receive
     * runs, and this is not the watchdog ending a receive); otherwise the collector releases them later.
     */
    @Override
    public void close() {
        closed = true;
        for (SharedMemoryLink l : links) {
            if (l != null) {
                l.close();
            }
        }
        sender.shutdownNow();
        for (SocketChannel ch : channels) {
            closeQuietly(ch);
        }
        closeQuietly(server);
        boolean senderStopped;
        try {
            senderStopped = sender.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            senderStopped = false;
        }
        if (senderStopped && receivingSince == 0 && Thread.currentThread() != watchdog) {
            synchronized (links) {
                for (int q = 0; q < links.length; q++) {
                    if (links[q] != null) {
                        links[q].unmap();
                        links[q] = null;
                    }
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing: nothing left to do with an error
            }
        }
    }
}
