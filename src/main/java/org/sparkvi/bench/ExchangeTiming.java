package org.sparkvi.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.sparkvi.allreduce.Handshake;
import org.sparkvi.allreduce.PeerMesh;
import org.sparkvi.allreduce.SliceAllReduce;

/**
 * The socket all-reduce alone: P ranks as threads of this JVM over loopback, each step a reduce-scatter of N doubles
 * (with one scalar) and an all-gather, no arithmetic around it. Gives ms per step (median over steps of the slowest
 * rank) and the bytes each rank sends per step, 2(P−1)/P·8N.
 */
final class ExchangeTiming {
    record Result(int ranks, int size, double msPerStep, long bytesPerRankPerStep) {
    }

    private ExchangeTiming() {
    }

    /** @param sharedMemory whether the ranks (all on this host) move their bytes through shared memory instead of TCP */
    static Result measure(int ranks, int size, int steps, boolean sharedMemory) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        List<PeerMesh> meshes = new ArrayList<>();
        try {
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                PeerMesh m = PeerMesh.bind(InetAddress.getLoopbackAddress(), new Handshake(0, 0, r, ranks), 60_000,
                        sharedMemory);
                meshes.add(m);
                addresses.add(m.address());
            }
            List<Future<double[]>> runs = new ArrayList<>();
            for (PeerMesh m : meshes) {
                runs.add(pool.submit(() -> {
                    m.connect(addresses);
                    SliceAllReduce ar = new SliceAllReduce(m, size, 1);
                    double[] g = new double[size];
                    java.util.Arrays.fill(g, m.self().rank() + 1.0);
                    double[] summed = new double[size];
                    double[] ms = new double[steps];
                    for (int s = 0; s < steps + 3; s++) { // 3 warm-up steps
                        long t0 = System.nanoTime();
                        ar.reduceScatter(g, new double[] {s}, summed);
                        ar.allGather(summed);
                        if (s >= 3) {
                            ms[s - 3] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                    double[] out = java.util.Arrays.copyOf(ms, steps + 1);
                    out[steps] = (double) ar.bytesSent() / (steps + 3);
                    return out;
                }));
            }
            double[] slowest = new double[steps];
            double bytes = 0;
            for (Future<double[]> f : runs) {
                double[] out = f.get(300, TimeUnit.SECONDS);
                for (int s = 0; s < steps; s++) {
                    slowest[s] = Math.max(slowest[s], out[s]);
                }
                bytes = out[steps];
            }
            return new Result(ranks, size, Medians.of(slowest), Math.round(bytes));
        } finally {
            meshes.forEach(PeerMesh::close);
            pool.shutdownNow();
        }
    }

    /**
     * The floor under a 2-rank phase: one loopback TCP connection streaming {@code bytes} each way at once (4 threads:
     * a writer and a reader per direction, no all-reduce, no conversion); median ms over {@code rounds}.
     */
    static double rawExchangeMs(int bytes, int rounds) throws Exception {
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (java.nio.channels.SocketChannel a = java.nio.channels.SocketChannel.open(server.getLocalAddress());
                 java.nio.channels.SocketChannel b = server.accept()) {
                for (java.nio.channels.SocketChannel ch : List.of(a, b)) {
                    ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
                    ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
                }
                ExecutorService pool = Executors.newFixedThreadPool(4);
                java.nio.ByteBuffer[] bufs = new java.nio.ByteBuffer[4];
                for (int i = 0; i < 4; i++) {
                    bufs[i] = java.nio.ByteBuffer.allocateDirect(bytes);
                }
                try {
                    double[] ms = new double[rounds];
                    for (int r = 0; r < rounds + 3; r++) {
                        long t0 = System.nanoTime();
                        List<Future<?>> f = List.of(pool.submit(() -> pump(a, bufs[0], true)), pool.submit(() -> pump(b,
                                bufs[1], false)), pool.submit(() -> pump(b, bufs[2], true)), pool.submit(() -> pump(a, bufs[3],
                                false)));
                        for (Future<?> x : f) {
                            x.get(60, TimeUnit.SECONDS);
                        }
                        if (r >= 3) {
                            ms[r - 3] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                    return Medians.of(ms);
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static Void pump(java.nio.channels.SocketChannel ch, java.nio.ByteBuffer buf, boolean write)
            throws java.io.IOException {
        buf.clear();
        while (buf.hasRemaining()) {
            if (write) {
                ch.write(buf);
            } else if (ch.read(buf) < 0) {
                throw new java.io.EOFException();
            }
        }
        return null;
    }

    /** {@code java -cp ... org.sparkvi.bench.ExchangeTiming}: the all-reduce of the VAE's 1.19M doubles, and the floor. */
    public static void main(String[] args) throws Exception {
        System.out.printf(java.util.Locale.ROOT, "raw loopback TCP, 4.76 MB each way at once (one 2-rank phase): %.2f ms%n",
                rawExchangeMs(8 * 1_190_000 / 2, 30));
        for (boolean shared : new boolean[] {false, true}) {
            for (int p : new int[] {2, 4}) {
                Result r = measure(p, 1_190_000, 50, shared);
                System.out.printf(java.util.Locale.ROOT, "%s, %d ranks, %d doubles: %.2f ms/step, %.2f MB sent per rank "
                        + "per step%n", shared ? "shared memory" : "TCP", p, r.size(), r.msPerStep(),
                        r.bytesPerRankPerStep() / 1e6);
            }
        }
    }
}
