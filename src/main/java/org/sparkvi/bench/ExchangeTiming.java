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

    static Result measure(int ranks, int size, int steps) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        List<PeerMesh> meshes = new ArrayList<>();
        try {
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                PeerMesh m = PeerMesh.bind(InetAddress.getLoopbackAddress(), new Handshake(0, 0, r, ranks), 60_000);
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

    public static void main(String[] args) throws Exception {
        for (int p : new int[] {2, 4}) {
            Result r = measure(p, 1_190_000, 50);
            System.out.printf(java.util.Locale.ROOT, "%d ranks, %d doubles: %.2f ms/step, %.2f MB sent per rank per step%n",
                    p, r.size(), r.msPerStep(), r.bytesPerRankPerStep() / 1e6);
        }
    }
}
