package org.sparkvi.allreduce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * All-reduce of a vector of N values over a {@link PeerMesh} of P ranks, as a direct reduce-scatter then an
 * all-gather. Rank r owns slice r ({@link Slices}); in the reduce-scatter every rank sends each other rank q its
 * contribution to slice q, and rank r sums the P contributions to its slice in rank order,
 * s_i = ((0 + g_0,i) + g_1,i) + … + g_(P−1),i, whatever order they arrived in: bit-identical to an in-memory sum over
 * the ranks in that order. The caller updates its slice (Adam), and the all-gather sends the updated slice to every
 * other rank. Each rank sends and receives 2(P−1)/P·N values per step, the bandwidth optimum of a ring, in 2 rounds
 * instead of a ring's 2(P−1).
 *
 * <p>Each reduce-scatter message also carries a few scalars of the sender (a loss), so every rank learns all ranks'
 * scalars. Values travel little-endian, 8 bytes per double or 4 per float; rank r sends to r+1, r+2, … and reads
 * from r−1, r−2, … (mod P), so in round k every rank sends to the rank that reads it. Not thread-safe: one step at a
 * time from one thread.
 */
public final class SliceAllReduce implements AutoCloseable {
    private final PeerMesh mesh;
    private final int rank;
    private final int ranks;
    private final int size;
    private final int scalars;
    private final int from;
    private final int to;
    private final ByteBuffer[] outgoing; // per destination rank: scalars then its slice
    private ByteBuffer gathered; // this rank's slice, sent to everyone
    private final ByteBuffer incoming;
    private final ByteBuffer[] slots; // the other ranks' messages to this rank (scalars, slice), indexed by rank
    private final ByteBuffer header = ByteBuffer.allocateDirect(2 * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final int[] sentDownTo; // float32 reduce-scatter: per rank, the lowest entry of its slice queued so far
    private boolean started; // the current float32 reduce-scatter has sent its scalars
    private final float[][] received; // float32: the other ranks' contributions to this rank's slice, by rank
    private float[] staged; // float32, two ranks in shared memory: a piece of the peer's contribution
    private long bytesSent;

    /** @param scalars how many values of its own each rank adds to its reduce-scatter messages */
    public SliceAllReduce(PeerMesh mesh, int size, int scalars) {
        this.mesh = mesh;
        this.rank = mesh.self().rank();
        this.ranks = mesh.self().ranks();
        this.size = size;
        this.scalars = scalars;
        this.from = Slices.from(size, rank, ranks);
        this.to = Slices.to(size, rank, ranks);
        int maxSlice = (size + ranks - 1) / ranks;
        this.outgoing = new ByteBuffer[ranks];
        for (int q = 0; q < ranks; q++) {
            if (q != rank) { // room for the double path, and for the float path's chunk headers (a few per step)
                outgoing[q] = ByteBuffer.allocateDirect(Double.BYTES * (scalars + maxSlice) + 64 * Integer.BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        this.sentDownTo = new int[ranks];
        this.gathered = ByteBuffer.allocateDirect(Double.BYTES * maxSlice).order(ByteOrder.LITTLE_ENDIAN);
        this.incoming = ByteBuffer.allocateDirect(Double.BYTES * (scalars + maxSlice)).order(ByteOrder.LITTLE_ENDIAN);
        this.received = new float[ranks][];
        this.slots = new ByteBuffer[ranks];
        for (int q = 0; q < ranks; q++) {
            slots[q] = q == rank ? null
                    : ByteBuffer.allocateDirect(Double.BYTES * (scalars + to - from)).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    /** Bytes this rank has handed to its sockets so far (both phases). */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Reduce-scatter: {@code summed[from, to)} ← the rank-ordered sum of every rank's {@code contribution} over this
     * rank's slice (other entries of summed untouched). Returns every rank's scalars, indexed by rank.
     */
    public double[][] reduceScatter(double[] contribution, double[] myScalars, double[] summed) throws IOException {
        check(contribution.length, myScalars.length);
        for (int k = 1; k < ranks; k++) {
            int q = (rank + k) % ranks;
            ByteBuffer b = outgoing[q].clear();
            for (double s : myScalars) {
                b.putDouble(s);
            }
            int qf = Slices.from(size, q, ranks);
            int qt = Slices.to(size, q, ranks);
            b.asDoubleBuffer().put(contribution, qf, qt - qf);
            b.position(b.position() + Double.BYTES * (qt - qf)).flip();
            send(q, b);
        }
        double[][] all = new double[ranks][];
        all[rank] = myScalars.clone();
        for (int k = 1; k < ranks; k++) {
            int q = (rank - k + ranks) % ranks;
            ByteBuffer in = slots[q].clear();
            mesh.receive(q, in);
            in.flip();
            all[q] = new double[scalars];
            in.asDoubleBuffer().get(all[q]);
        }
        for (int q = 0; q < ranks; q++) { // rank by rank over the slice: entry i sees ((0 + g_0,i) + g_1,i) + …
            if (q == rank) {
                add(q == 0, contribution, summed);
            } else {
                add(q == 0, slots[q].position(Double.BYTES * scalars).asDoubleBuffer(), summed);
            }
        }
        mesh.flush();
        return all;
    }

    /** All-gather: sends {@code values[from, to)} to every other rank and fills the other ranks' slices from theirs. */
    public void allGather(double[] values) throws IOException {
        check(values.length, scalars);
        ByteBuffer b = gathered.clear();
        b.asDoubleBuffer().put(values, from, to - from);
        b.limit(Double.BYTES * (to - from));
        for (int k = 1; k < ranks; k++) {
            send((rank + k) % ranks, b.duplicate());
        }
        for (int k = 1; k < ranks; k++) {
            int q = (rank - k + ranks) % ranks;
            int qf = Slices.from(size, q, ranks);
            int n = Slices.to(size, q, ranks) - qf;
            ByteBuffer in = incoming.clear().limit(Double.BYTES * n);
            mesh.receive(q, in);
            in.flip().asDoubleBuffer().get(values, qf, n);
        }
        mesh.flush();
    }

    /**
     * Float32 reduce-scatter, part one (optional, any number of times before {@link #reduceScatter(float[], double[],
     * float[])}): entries [readyFrom, size) of {@code contribution} are final, so the parts of the other ranks' slices
     * among them that have not gone yet are copied out now and queued on the sender thread, while the caller computes
     * the rest (a backward pass finishes the last layers' gradients first). The first call also sends the scalars.
     * The sum is unchanged (each entry still ((0f + g_0,i) + g_1,i) + … in rank order): only when bytes travel moves.
     */
    public void ready(float[] contribution, double[] myScalars, int readyFrom) {
        check(contribution.length, myScalars.length);
        for (int k = 1; k < ranks; k++) {
            int q = (rank + k) % ranks;
            ByteBuffer b = outgoing[q];
            if (!started) {
                b.clear();
                for (double s : myScalars) {
                    b.putDouble(s);
                }
                send(q, b.duplicate().flip());
                sentDownTo[q] = Slices.to(size, q, ranks);
            }
            int qf = Slices.from(size, q, ranks);
            int lo = Math.max(qf, readyFrom);
            if (lo < sentDownTo[q]) { // a chunk: [offset in the slice, length], then the values
                int length = sentDownTo[q] - lo;
                int start = b.position();
                b.putInt(lo - qf).putInt(length);
                if (mesh.usesSharedMemory(q)) { // straight from the array: it keeps these entries until the flush
                    send(q, b.duplicate().position(start).limit(b.position()));
                    sendFloats(q, contribution, lo, length);
                } else {
                    b.asFloatBuffer().put(contribution, lo, length);
                    b.position(b.position() + Float.BYTES * length);
                    send(q, b.duplicate().position(start).limit(b.position()));
                }
                sentDownTo[q] = lo;
            }
        }
        started = true;
    }

    /**
     * {@link #reduceScatter(double[], double[], double[])} for float32 vectors: 4 bytes a value on the wire, summed in
     * float in rank order, ((0f + g_0,i) + g_1,i) + …, as an in-memory float sum over the ranks would be. The scalars
     * stay double. Whatever {@link #ready} has not sent yet goes now; a message is the sender's scalars, then chunks
     * of its contribution to this rank's slice, each [offset, length, values], in the order the sender had them ready.
     */
    public double[][] reduceScatter(float[] contribution, double[] myScalars, float[] summed) throws IOException {
        double[][] all = reduceScatterParts(contribution, myScalars);
        float[][] parts = parts(contribution);
        int[] offsets = offsets();
        for (int q = 0; q < ranks; q++) {
            float[] g = parts[q];
            int off = offsets[q];
            for (int i = from; i < to; i++) {
                summed[i] = (q == 0 ? 0f : summed[i]) + g[i - off];
            }
        }
        return all;
    }

    /**
     * The float32 reduce-scatter without the sum: every other rank's contribution to this rank's slice is in
     * {@link #parts} when it returns, for a caller that sums them in rank order in a pass it makes anyway (Adam's).
     */
    public double[][] reduceScatterParts(float[] contribution, double[] myScalars) throws IOException {
        ready(contribution, myScalars, 0);
        started = false;
        double[][] all = new double[ranks][];
        all[rank] = myScalars.clone();
        int n = to - from;
        for (int k = 1; k < ranks; k++) {
            int q = (rank - k + ranks) % ranks;
            all[q] = receiveScalars(q);
            if (received[q] == null) {
                received[q] = new float[n];
            }
            for (int covered = 0; covered < n; covered += receiveChunk(q, n, received[q], 0)) {
            }
        }
        mesh.flush();
        return all;
    }

    /** An update of entries [lo, hi) of this rank's slice, whose P contributions are {@code parts} (see {@link #parts}). */
    public interface SliceUpdate {
        void update(float[][] parts, int[] offsets, int lo, int hi);
    }

    /** Floats of a peer's contribution staged at a time when it is summed as it arrives: they stay in cache. */
    public static final int STAGED = 16 << 10;

    /**
     * The float32 reduce-scatter followed by the caller's pass over this rank's slice ({@code update}, Adam's),
     * called only if {@code proceed} accepts every rank's scalars, with every entry of the slice in exactly one call.
     * Between two ranks linked through shared memory the peer's contribution is not copied into an array of the
     * slice's size first: each piece is read into a small staging array as it comes and updated at once, while it is
     * still in cache (the sum and its order are the same: entry i still sees ((0f + g_0,i) + g_1,i)).
     */
    public double[][] reduceScatterThenUpdate(float[] contribution, double[] myScalars,
                                              java.util.function.Predicate<double[][]> proceed, SliceUpdate update)
            throws IOException {
        int peer = 1 - rank;
        if (ranks != 2 || !mesh.usesSharedMemory(peer)) {
            double[][] all = reduceScatterParts(contribution, myScalars);
            if (proceed.test(all)) {
                update.update(parts(contribution), offsets(), from, to);
            }
            return all;
        }
        ready(contribution, myScalars, 0);
        started = false;
        double[][] all = new double[ranks][];
        all[rank] = myScalars.clone();
        all[peer] = receiveScalars(peer);
        boolean updating = proceed.test(all);
        int n = to - from;
        if (staged == null) {
            staged = new float[Math.min(STAGED, n)];
        }
        float[][] parts = new float[2][];
        parts[rank] = contribution;
        int[] offsets = new int[2];
        for (int covered = 0; covered < n; ) {
            int offset = chunkHeader(peer, n);
            int length = header.getInt(Integer.BYTES);
            for (int done = 0; done < length; ) {
                int k = Math.min(length - done, staged.length);
                mesh.receiveFloats(peer, staged, 0, k, slots[peer]);
                if (updating) { // else read and dropped: the stream stays whole for the ranks' next step
                    int lo = from + offset + done;
                    parts[peer] = staged;
                    offsets[peer] = lo;
                    update.update(parts, offsets, lo, lo + k);
                }
                done += k;
            }
            covered += length;
        }
        mesh.flush();
        return all;
    }

    /** The scalars that open rank q's float32 reduce-scatter message. */
    private double[] receiveScalars(int q) throws IOException {
        ByteBuffer in = slots[q].clear().limit(Double.BYTES * scalars);
        mesh.receive(q, in);
        double[] values = new double[scalars];
        in.flip().asDoubleBuffer().get(values);
        return values;
    }

    /**
     * Reads the header of rank q's next chunk of a slice of n values, [offset, length] (then in {@code header}), and
     * returns the offset; a chunk outside the slice is an IOException.
     */
    private int chunkHeader(int q, int n) throws IOException {
        mesh.receive(q, header.clear());
        int offset = header.getInt(0);
        int length = header.getInt(Integer.BYTES);
        if (offset < 0 || length <= 0 || offset + length > n) {
            throw new IOException("a malformed chunk from rank " + q + " (offset " + offset + ", length " + length
                    + " in a slice of " + n + ")");
        }
        return offset;
    }

    /** Rank q's next chunk of a slice of n values into dst[base + offset, +length); returns its length. */
    private int receiveChunk(int q, int n, float[] dst, int base) throws IOException {
        int offset = chunkHeader(q, n);
        int length = header.getInt(Integer.BYTES);
        mesh.receiveFloats(q, dst, base + offset, length, slots[q]);
        return length;
    }

    /**
     * After {@link #reduceScatterParts}: the P contributions to this rank's slice, in rank order, this rank's own being
     * {@code contribution}; entry i of the slice is {@code parts[q][i - offsets()[q]]}.
     */
    public float[][] parts(float[] contribution) {
        float[][] parts = received.clone();
        parts[rank] = contribution;
        return parts;
    }

    /** Per rank, what to subtract from an entry's index to find it in {@link #parts}: 0 for this rank's own. */
    public int[] offsets() {
        int[] offsets = new int[ranks];
        java.util.Arrays.fill(offsets, from);
        offsets[rank] = 0;
        return offsets;
    }

    /** {@link #allGather(double[])} for float32 vectors. */
    public void allGather(float[] values) throws IOException {
        check(values.length, scalars);
        ByteBuffer b = null; // over TCP the slice is staged once for every TCP peer
        for (int k = 1; k < ranks; k++) {
            int q = (rank + k) % ranks;
            if (mesh.usesSharedMemory(q)) { // values[from, to) is not written until the flush
                sendFloats(q, values, from, to - from);
                continue;
            }
            if (b == null) {
                b = gathered.clear();
                b.asFloatBuffer().put(values, from, to - from);
                b.limit(Float.BYTES * (to - from));
            }
            send(q, b.duplicate());
        }
        for (int k = 1; k < ranks; k++) {
            int q = (rank - k + ranks) % ranks;
            int qf = Slices.from(size, q, ranks);
            mesh.receiveFloats(q, values, qf, Slices.to(size, q, ranks) - qf, incoming);
        }
        mesh.flush();
    }

    /** summed[from, to) (+)= g[from, to); the first term is added to 0, as the in-memory sum starts (−0.0 becomes +0.0). */
    private void add(boolean first, double[] g, double[] summed) {
        for (int i = from; i < to; i++) {
            summed[i] = (first ? 0.0 : summed[i]) + g[i];
        }
    }

    /** The same for a received slice, read in place (g's index 0 is entry from). */
    private void add(boolean first, java.nio.DoubleBuffer g, double[] summed) {
        for (int i = from; i < to; i++) {
            summed[i] = (first ? 0.0 : summed[i]) + g.get(i - from);
        }
    }

    private void send(int q, ByteBuffer b) {
        bytesSent += b.remaining();
        mesh.send(q, b);
    }

    /** {@link #send} of a shared-memory peer's floats, straight from the array. */
    private void sendFloats(int q, float[] values, int off, int len) {
        bytesSent += (long) Float.BYTES * len;
        mesh.sendFloats(q, values, off, len);
    }

    private void check(int length, int scalarCount) {
        if (length != size || scalarCount != scalars) {
            throw new IllegalArgumentException("an all-reduce of " + size + " values with " + scalars + " scalars got "
                    + length + " values and " + scalarCount + " scalars");
        }
    }

    @Override
    public void close() {
        mesh.close();
    }
}
