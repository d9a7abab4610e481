package org.sparkvi.allreduce;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the ranks of a stage attempt find each other: a tracker on the driver (as XGBoost4J-Spark's) that each rank
 * tells its {@link Handshake} and its mesh's address, and that answers every rank of the attempt, once all have
 * told it, with all the addresses in rank order. It replaces {@code BarrierTaskContext.allGather}, which costs a
 * whole second here: Spark's task side looks at the reply, then sleeps 1,000 ms before it looks again. Ranks of
 * different stage attempts never meet: they are grouped by (stage, attempt, ranks).
 */
public final class Rendezvous implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Rendezvous.class);
    private static final int MAGIC = 0x53565244; // "SVRD"
    private final ServerSocket server;
    private final Thread acceptor;
    private final Map<List<Integer>, Group> groups = new HashMap<>();

    /** The ranks of one stage attempt that have joined so far. */
    private static final class Group {
        final Socket[] sockets;
        final String[] hosts;
        final int[] ports;
        int joined;

        Group(int ranks) {
            sockets = new Socket[ranks];
            hosts = new String[ranks];
            ports = new int[ranks];
        }
    }

    private Rendezvous(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::accept, "sparkvi-rendezvous");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A tracker listening on a free port of {@code bind} (null: every interface). */
    public static Rendezvous open(InetAddress bind) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(bind, 0), 256);
        return new Rendezvous(s);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                try {
                    s.setSoTimeout(10_000); // a registration is a few bytes: a silent client is dropped
                    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                    if (in.readInt() != MAGIC) {
                        s.close();
                        continue;
                    }
                    Handshake h = Handshake.read(in);
                    String host = in.readUTF();
                    int port = in.readInt();
                    register(h, host, port, s);
                } catch (IOException | RuntimeException e) {
                    s.close(); // not a rank of ours, or it went away mid-registration: its task fails on its own
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void register(Handshake h, String host, int port, Socket s) throws IOException {
        Group g;
        synchronized (groups) {
            g = groups.computeIfAbsent(List.of(h.stageId(), h.attempt(), h.ranks()), k -> new Group(h.ranks()));
            if (g.sockets[h.rank()] != null) {
                g.sockets[h.rank()].close(); // the same rank again (a retried connection): the later one counts
                g.joined--;
            }
            g.sockets[h.rank()] = s;
            g.hosts[h.rank()] = host;
            g.ports[h.rank()] = port;
            if (++g.joined < h.ranks()) {
                return;
            }
            groups.remove(List.of(h.stageId(), h.attempt(), h.ranks()));
        }
        LOG.info("rendezvous: all {} ranks of stage {} attempt {} have met", h.ranks(), h.stageId(), h.attempt());
        for (Socket member : g.sockets) { // all here: every rank gets every address, in rank order
            try (member; DataOutputStream out = new DataOutputStream(new BufferedOutputStream(member.getOutputStream()))) {
                for (int r = 0; r < g.hosts.length; r++) {
                    out.writeUTF(g.hosts[r]);
                    out.writeInt(g.ports[r]);
                }
            } catch (IOException gone) {
                // that rank's task has died; the others fail in the exchange, and the stage is relaunched
            }
        }
    }

    /**
     * Joins the tracker at {@code tracker} as {@code self}, whose mesh listens at {@code address}; returns every
     * rank's address in rank order once all ranks of the attempt have joined, or fails after {@code timeoutMillis}.
     */
    public static List<InetSocketAddress> join(InetSocketAddress tracker, Handshake self, InetSocketAddress address,
                                               int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(tracker, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            out.writeInt(MAGIC);
            out.write(self.encode().array());
            out.writeUTF(address.getHostString());
            out.writeInt(address.getPort());
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            List<InetSocketAddress> all = new ArrayList<>();
            for (int r = 0; r < self.ranks(); r++) {
                all.add(new InetSocketAddress(in.readUTF(), in.readInt()));
            }
            return all;
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("rank " + self.rank() + " of stage " + self.stageId() + " attempt " + self.attempt()
                    + " waited " + timeoutMillis + " ms at the rendezvous on " + tracker + " for the other ranks (raise "
                    + PeerMesh.TIMEOUT_SETTING + ", or check that executors reach the driver there)", e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        synchronized (groups) {
            for (Group g : groups.values()) {
                for (Socket s : g.sockets) {
                    if (s != null) {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                }
            }
            groups.clear();
        }
    }
}
