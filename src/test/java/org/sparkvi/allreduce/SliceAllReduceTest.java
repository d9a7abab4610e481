package org.sparkvi.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The socket all-reduce over loopback, ranks as threads of this JVM: exact against the rank-ordered sum, a stale
 * attempt's connection refused, and a dead or stalled peer turned into an error within the timeout.
 */
class SliceAllReduceTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    final ExecutorService pool = Executors.newCachedThreadPool();
    final List<PeerMesh> meshes = new ArrayList<>();

    @AfterEach
    void stop() {
        meshes.forEach(PeerMesh::close);
        pool.shutdownNow();
    }

    /** Whether the ranks may use shared memory ({@link SliceAllReduceOverSharedMemoryTest} runs every test with it). */
    boolean sharedMemory() {
        return false;
    }

    PeerMesh bind(Handshake self, int timeoutMillis) throws IOException {
        return PeerMesh.bind(LOOPBACK, self, timeoutMillis, sharedMemory());
    }

    /** P meshes of one stage attempt, bound on loopback and linked (connect runs on P threads at once). */
    List<PeerMesh> group(int ranks, int attempt, int timeoutMillis) throws Exception {
        List<PeerMesh> group = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            PeerMesh m = bind(new Handshake(7, attempt, r, ranks), timeoutMillis);
            meshes.add(m);
            group.add(m);
            addresses.add(m.address());
        }
        List<Future<?>> linking = new ArrayList<>();
        for (PeerMesh m : group) {
            linking.add(pool.submit(() -> {
                m.connect(addresses);
                return null;
            }));
        }
        for (Future<?> f : linking) {
            f.get(30, TimeUnit.SECONDS);
        }
        for (PeerMesh m : group) { // the transport asked for is the one in use
            assertEquals(sharedMemory() ? ranks - 1 : 0, m.sharedMemoryPeers());
        }
        return group;
    }

    /** One all-reduce of {@code size} values with one scalar per rank over each mesh of a new group. */
    List<SliceAllReduce> allReduces(int ranks, int attempt, int size) throws Exception {
        List<SliceAllReduce> ars = new ArrayList<>();
        for (PeerMesh m : group(ranks, attempt, 30_000)) {
            ars.add(new SliceAllReduce(m, size, 1));
        }
        return ars;
    }

    /** A step of every rank's all-reduce, each on a thread of its own. */
    interface RankStep {
        float[] run(int rank, SliceAllReduce ar) throws Exception;
    }

    /** Runs {@code step} on every rank at once; the ranks' results, by rank, within 60 s. */
    List<float[]> onEveryRank(List<SliceAllReduce> ars, RankStep step) throws Exception {
        List<Future<float[]>> running = new ArrayList<>();
        for (int r = 0; r < ars.size(); r++) {
            int rank = r;
            running.add(pool.submit(() -> step.run(rank, ars.get(rank))));
        }
        List<float[]> results = new ArrayList<>();
        for (Future<float[]> f : running) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    /** Values of very different magnitudes and signs (and a −0.0), so that the order of a sum changes its last bits. */
    static double[] contribution(long seed, int size) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] g = new double[size];
        for (int i = 0; i < size; i++) {
            g[i] = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-8, 9));
        }
        g[size / 2] = -0.0;
        return g;
    }

    @Test
    void fourRanksOverLoopbackEqualTheRankOrderedSumBitForBit() throws Exception {
        int ranks = 4;
        int size = 100_003; // slices of 25,000 and 25,001
        List<PeerMesh> group = group(ranks, 0, 30_000);
        for (int step = 0; step < 3; step++) { // several steps: the buffers are reused
            double[][] g = new double[ranks][];
            for (int r = 0; r < ranks; r++) {
                g[r] = contribution(1000L * step + r, size);
            }
            double[] expected = new double[size];
            double[] reversed = new double[size];
            for (int i = 0; i < size; i++) {
                double s = 0;
                for (int r = 0; r < ranks; r++) {
                    s += g[r][i];
                }
                expected[i] = s;
                double t = 0;
                for (int r = ranks - 1; r >= 0; r--) {
                    t += g[r][i];
                }
                reversed[i] = t;
            }
            assertFalse(java.util.Arrays.equals(expected, reversed), "the data make the order of the sum visible");
            List<Future<double[]>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                SliceAllReduce ar = new SliceAllReduce(group.get(r), size, 1);
                results.add(pool.submit(() -> {
                    double[] summed = new double[size];
                    double[][] all = ar.reduceScatter(g[rank], new double[] {rank * 1.5}, summed);
                    for (int i = 0; i < size; i++) {
                        if (i < ar.from() || i >= ar.to()) {
                            assertEquals(0.0, summed[i], "only the owned slice is written");
                        }
                    }
                    ar.allGather(summed);
                    return concat(summed, all);
                }));
            }
            for (Future<double[]> f : results) {
                double[] out = f.get(60, TimeUnit.SECONDS);
                assertArrayEquals(expected, java.util.Arrays.copyOf(out, size), "step " + step);
                assertArrayEquals(new double[] {0, 1.5, 3, 4.5}, java.util.Arrays.copyOfRange(out, size, size + ranks),
                        "every rank's scalars, in rank order");
            }
        }
    }

    @Test
    void float32VectorsSumInFloatInRankOrder() throws Exception {
        int ranks = 4;
        int size = 10_007;
        float[][] g = floatContributions(50, ranks, size);
        float[] expected = rankOrderedSum(g);
        for (float[] got : onEveryRank(allReduces(ranks, 0, size), (rank, ar) -> {
            float[] summed = new float[size];
            double[][] all = ar.reduceScatter(g[rank], new double[] {rank}, summed);
            assertEquals(ranks - 1.0, all[ranks - 1][0]);
            ar.allGather(summed);
            return summed;
        })) {
            assertArrayEquals(expected, got);
        }
    }

    /**
     * Parts of a float32 contribution sent early ({@link SliceAllReduce#ready}, as a backward pass finishes layers from
     * the last one down), at boundaries that differ from rank to rank and step to step, some inside slices and some
     * repeated: the sum is the same rank-ordered one, bit for bit, and the scalars arrive.
     */
    @Test
    void float32PartsSentEarlyStillSumInRankOrder() throws Exception {
        int ranks = 4;
        int size = 10_007;
        List<SliceAllReduce> ars = allReduces(ranks, 0, size);
        for (int step = 0; step < 4; step++) {
            float[][] g = floatContributions(500L * step, ranks, size);
            float[] expected = rankOrderedSum(g);
            int st = step;
            List<float[]> results = onEveryRank(ars, (rank, ar) -> {
                double[] loss = {rank + 0.25};
                SplittableRandom rnd = new SplittableRandom(31L * st + rank);
                int readyFrom = size;
                int calls = st == 0 ? 0 : rnd.nextInt(1, 7); // step 0: nothing early
                for (int k = 0; k < calls; k++) {
                    readyFrom = rnd.nextInt(0, readyFrom + 1);
                    ar.ready(g[rank], loss, readyFrom);
                    if (rnd.nextBoolean()) {
                        ar.ready(g[rank], loss, readyFrom); // nothing new: nothing sent
                    }
                }
                float[] summed = new float[size];
                double[][] all = ar.reduceScatter(g[rank], loss, summed);
                for (int q = 0; q < ranks; q++) {
                    assertEquals(q + 0.25, all[q][0]);
                }
                ar.allGather(summed);
                return summed;
            });
            for (float[] got : results) {
                assertArrayEquals(expected, got, "step " + step);
            }
        }
    }

    /**
     * The reduce-scatter followed by the caller's update ({@link SliceAllReduce#reduceScatterThenUpdate}, Adam's pass in
     * training), with parts sent early: every entry of a rank's slice is updated in exactly one call, with the
     * contributions in rank order so that ((0 + g₀) + g₁) + … comes out bit for bit; a step whose scalars the caller
     * refuses updates nothing and leaves the links ready for the next step, and the all-gather of the updated values
     * completes them on every rank. Two ranks (in shared memory: a slice larger than the staging array, updated piece
     * by piece as it arrives) and four (the whole slice at once).
     */
    @Test
    void theUpdateAfterTheReduceScatterSeesEveryEntryOnceInRankOrder() throws Exception {
        for (int ranks : new int[] {2, 4}) {
            int size = 3 * SliceAllReduce.STAGED + 1_001;
            List<SliceAllReduce> ars = allReduces(ranks, ranks, size);
            for (int step = 0; step < 4; step++) {
                boolean refused = step == 2;
                float[][] g = floatContributions(700L * step + ranks, ranks, size);
                float[] expected = rankOrderedSum(g);
                int st = step;
                List<float[]> results = onEveryRank(ars, (rank, ar) -> {
                    double[] loss = {refused ? Double.NaN : rank + 0.5};
                    SplittableRandom rnd = new SplittableRandom(17L * st + rank);
                    for (int readyFrom = size, k = rnd.nextInt(0, 5); k > 0; k--) {
                        readyFrom = rnd.nextInt(0, readyFrom + 1);
                        ar.ready(g[rank], loss, readyFrom);
                    }
                    float[] summed = new float[size];
                    int[] calls = new int[size];
                    double[][] all = ar.reduceScatterThenUpdate(g[rank], loss, sc -> !Double.isNaN(sc[0][0]),
                            (parts, offsets, lo, hi) -> {
                                assertTrue(ar.from() <= lo && lo < hi && hi <= ar.to(), lo + ".." + hi);
                                for (int i = lo; i < hi; i++) {
                                    float sum = 0f;
                                    for (int q = 0; q < ranks; q++) {
                                        sum += parts[q][i - offsets[q]];
                                    }
                                    summed[i] = sum;
                                    calls[i]++;
                                }
                            });
                    for (int q = 0; q < ranks; q++) {
                        assertEquals(refused ? Double.NaN : q + 0.5, all[q][0]);
                    }
                    for (int i = ar.from(); i < ar.to(); i++) {
                        assertEquals(refused ? 0 : 1, calls[i], "updates of entry " + i);
                    }
                    if (!refused) {
                        ar.allGather(summed);
                    }
                    return summed;
                });
                for (float[] got : results) {
                    if (!refused) {
                        assertArrayEquals(expected, got, ranks + " ranks, step " + step);
                    }
                }
            }
        }
    }

    static double[] concat(double[] a, double[][] scalars) {
        double[] out = java.util.Arrays.copyOf(a, a.length + scalars.length);
        for (int r = 0; r < scalars.length; r++) {
            out[a.length + r] = scalars[r][0];
        }
        return out;
    }

    @Test
    void aStaleAttemptsConnectionIsRefusedAndTheCurrentAttemptStillLinks() throws Exception {
        PeerMesh rank0 = bind(new Handshake(7, 1, 0, 2), 20_000);
        PeerMesh rank1 = bind(new Handshake(7, 1, 1, 2), 20_000);
        PeerMesh stale = bind(new Handshake(7, 0, 0, 2), 20_000);
        meshes.addAll(List.of(rank0, rank1, stale));
        List<InetSocketAddress> addresses = List.of(rank0.address(), rank1.address());
        Future<?> accepting = pool.submit(() -> {
            rank1.connect(addresses);
            return null;
        });
        IOException refused = assertThrows(IOException.class, () -> stale.connect(List.of(stale.address(), rank1.address())));
        assertTrue(refused.getMessage().contains("refused the connection of stage 7 attempt 0 rank 0 of 2"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("(stage 7 attempt 1)"), refused.getMessage());
        rank0.connect(addresses);
        accepting.get(20, TimeUnit.SECONDS);
        double[] a = {1, 2, 3};
        double[] b = {10, 20, 30};
        SliceAllReduce x = new SliceAllReduce(rank0, 3, 0);
        SliceAllReduce y = new SliceAllReduce(rank1, 3, 0);
        Future<?> other = pool.submit(() -> {
            double[] s = new double[3];
            y.reduceScatter(b, new double[0], s);
            y.allGather(s);
            return s;
        });
        double[] s = new double[3];
        x.reduceScatter(a, new double[0], s);
        x.allGather(s);
        assertArrayEquals(new double[] {11, 22, 33}, s);
        assertArrayEquals(new double[] {11, 22, 33}, (double[]) other.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aPeerThatStallsMidStepFailsTheOthersWithinTheTimeout() throws Exception {
        List<PeerMesh> group = group(3, 0, 1_000);
        List<Future<?>> live = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int r = 0; r < 2; r++) { // rank 2 stays connected but never sends: a hung peer
            SliceAllReduce ar = new SliceAllReduce(group.get(r), 300_000, 1);
            double[] g = contribution(r, 300_000);
            live.add(pool.submit(() -> {
                ar.reduceScatter(g, new double[] {0}, new double[300_000]);
                return null;
            }));
        }
        for (Future<?> f : live) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("no progress") && e.getCause().getMessage().contains(
                    PeerMesh.TIMEOUT_SETTING), e.getCause().getMessage());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 10, "failed after " + seconds + " s with a 1 s timeout");
    }

    @Test
    void aPeerThatDiesMidStepFailsTheOthersAtOnce() throws Exception {
        List<PeerMesh> group = group(3, 0, 60_000);
        List<Future<?>> live = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int r = 0; r < 2; r++) {
            SliceAllReduce ar = new SliceAllReduce(group.get(r), 300_000, 1);
            double[] g = contribution(r, 300_000);
            live.add(pool.submit(() -> {
                ar.reduceScatter(g, new double[] {0}, new double[300_000]);
                return null;
            }));
        }
        Thread.sleep(200);
        group.get(2).close(); // the process of rank 2 is gone: the kernel closes its sockets
        for (Future<?> f : live) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 10, "failed after " + seconds + " s, long before the 60 s timeout");
    }

    /** Rank r's float32 contribution: {@link #contribution} of seed + r, rounded to float. */
    private static float[][] floatContributions(long seed, int ranks, int size) {
        float[][] g = new float[ranks][size];
        for (int r = 0; r < ranks; r++) {
            double[] d = contribution(seed + r, size);
            for (int i = 0; i < size; i++) {
                g[r][i] = (float) d[i];
            }
        }
        return g;
    }

    /** ((0 + g₀) + g₁) + … in float32, entry by entry: what the all-reduce must give bit for bit. */
    private static float[] rankOrderedSum(float[][] g) {
        float[] sum = new float[g[0].length];
        for (int i = 0; i < sum.length; i++) {
            float s = 0f;
            for (float[] rank : g) {
                s += rank[i];
            }
            sum[i] = s;
        }
        return sum;
    }
}
