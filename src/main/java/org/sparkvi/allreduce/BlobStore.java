package org.sparkvi.allreduce;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Byte blobs kept by the driver and moved over a socket of its own, for the data a barrier stage's tasks need from
 * the driver, or leave for it, that Spark would otherwise carry through a broadcast and a shuffle: the driver
 * {@link #offer}s a blob under a key (encoded only when a task first asks for it), a task {@link #fetch}es it, and a
 * task {@link #push}es a blob that the driver {@link #take}s once the stage is done. Keys are strings; a push under a
 * key replaces what was there. Each connection is served on a thread of its own; a client waits at most its timeout
 * for the driver, and its error names the setting to raise.
 */
public final class BlobStore implements AutoCloseable {
    private static final int MAGIC = 0x53564253; // "SVBS"
    private static final byte GET = 1;
    private static final byte PUT = 2;
    private static final int FOUND = 1;
    private static final int MISSING = 0;

    private final ServerSocket server;
    private final Map<String, Offer> offered = new ConcurrentHashMap<>();
    private final Map<String, byte[]> pushed = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private BlobStore(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::accept, "sparkvi-blob-store");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A store listening on a free port of {@code bind} (null: every interface). */
    public static BlobStore open(InetAddress bind) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReceiveBufferSize(4 << 20);
        s.bind(new InetSocketAddress(bind, 0), 256);
        return new BlobStore(s);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** An offered blob: encoded at most once, under a lock that {@link #withdraw} takes too. */
    private static final class Offer {
        private final Supplier<byte[]> encode;
        private byte[] bytes;
        private boolean withdrawn;

        Offer(Supplier<byte[]> encode) {
            this.encode = encode;
        }

        synchronized byte[] get() {
            if (!withdrawn && bytes == null) {
                bytes = encode.get();
            }
            return withdrawn ? null : bytes;
        }

        /** Once this returns, no encoding runs or will run: the caller may change what encode reads. */
        synchronized void withdraw() {
            withdrawn = true;
            bytes = null;
        }
    }

    /**
     * Makes {@code key} fetchable; {@code encode} runs once, on the first fetch (never, if no task asks), and never
     * after {@link #forget} has returned, so the caller may change what it reads from then on.
     */
    public void offer(String key, Supplier<byte[]> encode) {
        Offer old = offered.put(key, new Offer(encode));
        if (old != null) {
            old.withdraw();
        }
    }

    /** Removes and returns what a task pushed under {@code key}, or null. */
    public byte[] take(String key) {
        return pushed.remove(key);
    }

    /** The keys of the pushed blobs that start with {@code prefix}, sorted. */
    public java.util.List<String> pushedKeys(String prefix) {
        return pushed.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
    }

    /** Forgets every offered and pushed blob whose key starts with {@code prefix}. */
    public void forget(String prefix) {
        offered.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(prefix)) {
                e.getValue().withdraw();
                return true;
            }
            return false;
        });
        pushed.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(s), "sparkvi-blob-store " + s.getRemoteSocketAddress());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(120_000); // a client that stalls mid-request is dropped; its task fails on its own timeout
            s.setSendBufferSize(4 << 20);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            if (in.readInt() != MAGIC) {
                return;
            }
            byte op = in.readByte();
            String key = in.readUTF();
            if (op == GET) {
                Offer blob = offered.get(key);
                byte[] bytes = blob == null ? null : blob.get();
                if (bytes == null) {
                    out.writeInt(MISSING);
                } else {
                    out.writeInt(FOUND);
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            } else if (op == PUT) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                if (!closed) {
                    pushed.put(key, bytes);
                }
                out.writeInt(FOUND);
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            // a client that went away or spoke garbage: its task fails on its own
        }
    }

    /** The blob offered under {@code key} at the store on {@code at}, or null if there is none. */
    public static byte[] fetch(InetSocketAddress at, String key, int timeoutMillis) throws IOException {
        try (Socket s = open(at, timeoutMillis)) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            out.writeInt(MAGIC);
            out.writeByte(GET);
            out.writeUTF(key);
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            if (in.readInt() != FOUND) {
                return null;
            }
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return bytes;
        } catch (SocketTimeoutException | EOFException e) {
            throw timeout(at, "fetching " + key, timeoutMillis, e);
        }
    }

    /** Leaves {@code bytes} under {@code key} at the store on {@code at}; returns once the store holds them. */
    public static void push(InetSocketAddress at, String key, byte[] bytes, int timeoutMillis) throws IOException {
        try (Socket s = open(at, timeoutMillis)) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            out.writeInt(MAGIC);
            out.writeByte(PUT);
            out.writeUTF(key);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
            if (new DataInputStream(s.getInputStream()).readInt() != FOUND) {
                throw new IOException("the driver's blob store on " + at + " did not take " + key);
            }
        } catch (SocketTimeoutException | EOFException e) {
            throw timeout(at, "pushing " + key, timeoutMillis, e);
        }
    }

    private static Socket open(InetSocketAddress at, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.setReceiveBufferSize(4 << 20);
            s.setSendBufferSize(4 << 20);
            s.setTcpNoDelay(true);
            s.connect(at, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            return s;
        } catch (IOException e) {
            s.close();
            throw e instanceof SocketTimeoutException ? e : new IOException("cannot reach the driver's blob store on "
                    + at + " (" + e.getMessage() + "): check that executors reach the driver there (spark.driver.host)", e);
        }
    }

    private static IOException timeout(InetSocketAddress at, String what, int timeoutMillis, IOException cause) {
        return new IOException("no answer from the driver's blob store on " + at + " " + what + " within " + timeoutMillis
                + " ms (raise " + PeerMesh.TIMEOUT_SETTING + ", or check that executors reach the driver there)", cause);
    }

    @Override
    public void close() {
        closed = true;
        offered.clear();
        pushed.clear();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }
}
