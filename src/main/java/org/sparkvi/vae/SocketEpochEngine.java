package org.sparkvi.vae;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.allreduce.BlobStore;
import org.sparkvi.allreduce.Handshake;
import org.sparkvi.allreduce.PeerMesh;
import org.sparkvi.allreduce.Rendezvous;
import org.sparkvi.allreduce.SliceAllReduce;
import org.sparkvi.spark.BarrierMapStage;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.SparkSessions;

/**
 * A whole epoch in one Spark barrier stage whose P tasks may run on any executors: they find each other once, then
 * exchange gradients over their own sockets. Each task binds a server socket on port 0, a tracker
 * ({@link Rendezvous}) on the driver shares every task's host:port with the others of its stage attempt (it replaces
 * {@code BarrierTaskContext.allGather}, which costs a second: its task side sleeps 1,000 ms between looks), and the tasks
 * link into a {@link PeerMesh}. Each step: every task computes its shard's share of the minibatch gradient, a
 * {@link SliceAllReduce} reduce-scatter gives rank r the rank-ordered sum of slice r (the order of
 * {@link BarrierEpochEngine} and {@link SparkGradientSource}, so all three are bit-identical with the same partitions)
 * and every rank's loss, rank r applies Adam to slice r, and an all-gather shares the updated parameters. No
 * barrier() or allGather inside the step loop. The sockets are closed by a task-completion listener.
 *
 * <p>The epoch's starting state does not travel with the stage: each executor keeps the state its ranks ended the
 * last epoch with ({@link StateCache}, keyed by the driver's token for that state), and a rank starts from it only
 * when the driver confirms that the state it holds is bit for bit that one (compared while the stage starts, asked
 * for only by a rank that holds it); a rank that misses (the run's first epoch, a new executor, a rank placed
 * elsewhere, a resumed checkpoint, a state changed between epochs) fetches the state from the driver's
 * {@link BlobStore}, which encodes it only when asked. Each task leaves its slice of the parameters and moments, and
 * what it measured, in that store. The barrier stage is the map side of a shuffle, run alone (no result stage): a
 * failed shuffle-map stage is relaunched whole by Spark, so any task failure (a dead executor, a peer's timeout) fails
 * the stage attempt and the new attempt starts again from the epoch's starting state (the cache is copied, never
 * changed in place); its handshake refuses the old attempt's connections. The steps' losses come back with the
 * result, so progress is reported when the epoch ends, not live.
 */
public final class SocketEpochEngine implements EpochEngine {
    /** The address the tasks bind and advertise (default: the executor's host as Spark knows it). */
    public static final String BIND_ADDRESS = "spark.sparkvi.vae.bindAddress";
    /** How long a task waits for a peer (rendezvous, a step's message) before failing: a Spark time string. */
    public static final String TIMEOUT = PeerMesh.TIMEOUT_SETTING;
    static final String DEFAULT_TIMEOUT = "120s";
    /**
     * How the ranks move their bytes: {@code auto} (the default) through shared memory between ranks on the same host
     * and TCP between hosts, {@code tcp} over TCP always. The sums are the same bits either way.
     */
    public static final String TRANSPORT = "spark.sparkvi.vae.transport";
    /** How long the engine waits for executors to register before refusing for want of task slots. */
    public static final String SLOT_WAIT = "spark.sparkvi.vae.slotWait";

    private final SparkSession spark;
    private final JavaRDD<SparkGradientSource.Shard> shards;
    private final int partitions;
    private final Rendezvous tracker;
    private final BlobStore store;
    private final String trackerHost;
    private final String run = java.util.UUID.randomUUID().toString();
    private int serial;
    private EndState lastEnd;
    /** Compares the driver's state with {@link #lastEnd} while a stage starts (made here: its first use cost 72 ms). */
    private final java.util.concurrent.ExecutorService comparer = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "sparkvi-socket-engine-state-comparison");
                t.setDaemon(true);
                return t;
            });
    private volatile EpochStats last;

    /**
     * What the last epoch's tasks measured: ms per step of exchange (the rank that waited least, so closest to the
     * wire's cost) and of gradient arithmetic (the slowest rank), bytes each rank sent per step, the rendezvous.
     */
    public record EpochStats(int steps, double exchangeMsPerStep, double computeMsPerStep, double bytesPerRankPerStep,
                             double rendezvousMs, int ranksStartingFromTheirCache, int sharedMemoryLinks) {
    }

    public SocketEpochEngine(SparkSession spark, MnistData data, int partitions) {
        String refusal = refusal(spark, partitions, true);
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
        this.spark = spark;
        this.partitions = partitions;
        SparkConf conf = spark.sparkContext().getConf();
        this.trackerHost = conf.get("spark.driver.host");
        try {
            InetAddress bind = InetAddress.getByName(conf.get("spark.driver.bindAddress", trackerHost));
            this.tracker = Rendezvous.open(bind);
            this.store = BlobStore.open(bind);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the socket engine's rendezvous on the driver (" + trackerHost
                    + "): " + e.getMessage(), e);
        }
        this.shards = SparkGradientSource.cacheShards(spark, data, partitions);
    }

    /** Whether the socket engine can run here: null, or why not (waiting for executors to register if wait). */
    public static String refusal(SparkSession spark, int partitions, boolean wait) {
        SparkConf conf = spark.sparkContext().getConf();
        String settings = settingsRefusal(conf, transport(spark));
        if (settings != null) {
            return settings;
        }
        long deadline = System.nanoTime() + (spark.sparkContext().isLocal() || !wait ? 0
                : conf.getTimeAsMs(SLOT_WAIT, "30s") * 1_000_000L);
        int slots = slots(spark);
        while (slots < partitions && System.nanoTime() < deadline) { // executors register over several seconds
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            slots = slots(spark);
        }
        return slotsRefusal(partitions, slots, spark.sparkContext().isLocal());
    }

    /** The settings under which a barrier stage misbehaves, or null. */
    static String settingsRefusal(SparkConf conf, String transport) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return "the socket engine runs a barrier stage, which Spark refuses under dynamic allocation: set "
                    + "spark.dynamicAllocation.enabled=false (or use --engine steps)";
        }
        if (!transport.equals("auto") && !transport.equals("tcp")) {
            return TRANSPORT + "=" + transport + " is not a transport: use auto (shared memory between ranks on one "
                    + "host, TCP between hosts) or tcp";
        }
        if (!conf.contains("spark.barrier.sync.timeout")) {
            return "spark.barrier.sync.timeout is at its default of 365 days, so a task that never reaches the "
                    + "rendezvous would hold the job for a year: set it, e.g. --conf spark.barrier.sync.timeout=300s";
        }
        return null;
    }

    /** The session's {@link #TRANSPORT} (a runtime setting: --conf, or spark.conf().set between epochs). */
    static String transport(SparkSession spark) {
        return spark.conf().get(TRANSPORT, "auto");
    }

    /** Fewer task slots than partitions, said with the settings to change; or null. */
    static String slotsRefusal(int partitions, int slots, boolean local) {
        if (slots >= partitions) {
            return null;
        }
        return "--partitions " + partitions + " needs " + partitions + " task slots at once (a barrier stage starts "
                + "all its tasks together) but Spark has " + slots + (local ? " (the cores of local[N])"
                : " (executors × spark.executor.cores / spark.task.cpus)") + ": use --partitions " + slots
                + " or fewer, or give the job more executors or cores (spark.executor.instances, spark.cores.max, "
                + "spark.executor.cores)";
    }

    /** Tasks Spark can run at once with the default resource profile (the number a barrier stage is checked against). */
    static int slots(SparkSession spark) {
        var sc = spark.sparkContext();
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }

    public EpochStats lastEpochStats() {
        return last;
    }

    /**
     * What every task of an epoch starts from, small enough for the task's closure: the state itself is on the
     * executors already (their {@link StateCache}) or in the driver's {@link BlobStore} under "start/" + startToken;
     * each task leaves its slice there under "result/" + endToken + "/stage.attempt/rank".
     */
    record Start(VaeConfig config, Adam hyper, long step, int size, int[] order, int epoch, String bindAddress,
                 boolean sharedMemory, long timeoutMillis, String trackerHost, int trackerPort, int storePort,
                 String cachedToken, String startToken, String endToken) implements Serializable {
    }

    /** One task's share of the result (its slice itself went to the driver's blob store), and what it measured. */
    record SliceResult(int rank, int stage, int attempt, int from, int to, double lossSum, long updates,
                       double[] stepLosses, long exchangeNanos, long computeNanos, long bytesSent, long rendezvousNanos,
                       boolean cacheHit, int sharedMemoryPeers, long[] wallMicros) implements Serializable {
        byte[] bytes() throws IOException {
            var out = new java.io.ByteArrayOutputStream();
            try (var o = new java.io.ObjectOutputStream(out)) {
                o.writeObject(this);
            }
            return out.toByteArray();
        }

        static SliceResult read(byte[] bytes) {
            try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
                return (SliceResult) in.readObject();
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException("a socket engine task's result is unreadable: " + e, e);
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SocketEpochEngine.class);

    /** Wall-clock microseconds (comparable between the driver's and the executors' JVMs on one host). */
    static long wallMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * Each executor keeps the state its ranks ended the last epoch with (parameters, all-gathered, and its slice of the
     * moments), keyed by the driver's token for that state, rank and ranks, so the next epoch starts from it without
     * the state crossing the network. A task copies the entry (a failed attempt must not touch the starting state its
     * relaunch reads). Per run it keeps the newest two states (the epoch's start, for a relaunch, and its end), and at
     * most {@value #MAX_ENTRIES} entries in all. A miss (a new executor, a rank placed elsewhere, another run) fetches
     * the state from the driver.
     */
    static final class StateCache {
        static final int MAX_ENTRIES = 16;
        private static final java.util.LinkedHashMap<String, Replica> ENTRIES = new java.util.LinkedHashMap<>();

        private StateCache() {
        }

        static String key(String token, int rank, int ranks) {
            return token + "#" + rank + "/" + ranks;
        }

        /** Whether there is an entry (a {@link #take} just after may still miss: another task may evict it). */
        static boolean holds(String token, int rank, int ranks) {
            synchronized (ENTRIES) {
                return ENTRIES.containsKey(key(token, rank, ranks));
            }
        }

        /** A copy of the entry, with one gradient buffer, or null. */
        static Replica take(String token, int rank, int ranks) {
            Replica r;
            synchronized (ENTRIES) {
                r = ENTRIES.get(key(token, rank, ranks));
            }
            return r == null ? null : r.copy(1);
        }

        /** Keeps {@code state} (not copied: its owner is done with it) as endToken's, dropping the run's older states. */
        static void put(String run, String startToken, String endToken, int rank, int ranks, Replica state) {
            synchronized (ENTRIES) {
                ENTRIES.keySet().removeIf(k -> k.startsWith(run) && !k.startsWith(startToken + "#")
                        && !k.startsWith(endToken + "#"));
                ENTRIES.put(key(endToken, rank, ranks), state);
                var it = ENTRIES.keySet().iterator();
                while (ENTRIES.size() > MAX_ENTRIES && it.hasNext()) {
                    it.next();
                    it.remove();
                }
            }
        }
    }

    /** The state the executors cached at the last epoch's end (as the driver received it), or null. */
    private record EndState(String token, VaeConfig config, double[] params, double[] m, double[] v, long step) {
        /** A copy of the driver's state under token, in recycled's arrays where they fit. */
        static EndState of(String token, VaeConfig c, double[] params, Adam adam, EndState recycled) {
            boolean reuse = recycled != null && recycled.params.length == params.length;
            double[][] copies = new double[3][];
            double[][] from = {params, adam.m, adam.v};
            for (int k = 0; k < 3; k++) {
                copies[k] = reuse ? (k == 0 ? recycled.params : k == 1 ? recycled.m : recycled.v) : new double[params.length];
                System.arraycopy(from[k], 0, copies[k], 0, params.length);
            }
            return new EndState(token, c, copies[0], copies[1], copies[2], adam.step());
        }

        boolean matches(VaeConfig c, double[] p, Adam adam) {
            return config.equals(c) && step == adam.step() && Arrays.equals(params, p) && Arrays.equals(m, adam.m)
                    && Arrays.equals(v, adam.v);
        }
    }

    @Override
    public double epoch(VaeConfig c, double[] params, Adam adam, int epoch, int[] order, StepProgress progress) {
        long d0 = wallMicros();
        SparkConf conf = spark.sparkContext().getConf();
        serial++;
        String startToken = run + "/" + serial + "/start";
        String endToken = run + "/" + serial + "/end";
        EndState recycled = lastEnd;
        lastEnd = null;
        // the driver's state is not touched until the job is over: encoded only if a task's executor misses it
        store.offer("start/" + startToken, () -> Replica.encode(c, params, adam.m, adam.v));
        // whether it is, bit for bit, the state the executors cached at the last epoch's end: compared while the stage
        // starts (3 × 1.19M doubles, 8-100 ms here), asked for only by a task whose executor has that state
        String cachedToken = recycled != null && recycled.config().equals(c) && recycled.step() == adam.step()
                ? recycled.token() : null;
        java.util.concurrent.CompletableFuture<Boolean> same = cachedToken == null
                ? java.util.concurrent.CompletableFuture.completedFuture(false)
                : java.util.concurrent.CompletableFuture.supplyAsync(() -> recycled.matches(c, params, adam), comparer);
        store.offer("same/" + startToken, () -> new byte[] {(byte) (same.join() ? 1 : 0)});
        Start start = new Start(c, new Adam(0, adam.lr, adam.beta1, adam.beta2, adam.eps), adam.step(), params.length,
                order, epoch, conf.get(BIND_ADDRESS, null), !transport(spark).equals("tcp"),
                conf.getTimeAsMs(TIMEOUT, DEFAULT_TIMEOUT), trackerHost,
                tracker.port(), store.port(), cachedToken, startToken, endToken);
        long d1 = wallMicros();
        try {
            scala.Function1<scala.collection.Iterator<SparkGradientSource.Shard>, scala.collection.Iterator<Integer>> task =
                    (scala.Function1<scala.collection.Iterator<SparkGradientSource.Shard>, scala.collection.Iterator<Integer>>
                            & Serializable) it -> {
                        try {
                            return scala.jdk.javaapi.CollectionConverters.asScala(List.of(runShard(start, it.next(),
                                    wallMicros()).rank()).iterator());
                        } catch (IOException e) {
                            throw new IllegalStateException("the socket exchange failed: " + e.getMessage(), e);
                        }
                    };
            // the ranks' slices and what they measured go to the driver's blob store; the stage returns their ranks
            BarrierMapStage.run(spark, shards, "VAE epoch " + (epoch + 1) + ": " + partitions + " barrier tasks step "
                    + "together, exchanging gradients over sockets", task);
            long d2 = wallMicros();
            store.forget("start/" + startToken); // no encoding of the state runs from here on: it may change
            same.join(); // nor the comparison: recycled's arrays are written below
            // every rank's result, from the last attempt whose ranks all finished (any such attempt computed the same
            // bits: each step needs every rank of its attempt, and the arithmetic is deterministic)
            java.util.Map<String, byte[][]> byAttempt = new java.util.TreeMap<>();
            String prefix = "result/" + endToken + "/";
            for (String key : store.pushedKeys(prefix)) {
                String[] f = key.substring(prefix.length()).split("/"); // attempt (stage.attempt, zero-padded), rank
                byte[] bytes = store.take(key);
                if (bytes != null) {
                    byAttempt.computeIfAbsent(f[0], a -> new byte[partitions][])[Integer.parseInt(f[1])] = bytes;
                }
            }
            byte[][] chosen = null;
            for (byte[][] ranks : byAttempt.values()) {
                if (Arrays.stream(ranks).allMatch(java.util.Objects::nonNull)) {
                    chosen = ranks;
                }
            }
            if (chosen == null) {
                throw new IllegalStateException("the socket engine's stage finished but no attempt's " + partitions
                        + " slices all reached the driver (" + byAttempt.keySet() + ")");
            }
            List<SliceResult> slices = new ArrayList<>();
            java.nio.ByteBuffer[] payloads = new java.nio.ByteBuffer[partitions];
            for (int r = 0; r < partitions; r++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(chosen[r]).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                byte[] meta = new byte[b.getInt()];
                b.get(meta);
                slices.add(SliceResult.read(meta));
                payloads[r] = b;
            }
            for (SliceResult r : slices) { // the stage is over and the store encodes no more: written in place
                Replica.readInto(c, payloads[r.rank()], params, adam.m, adam.v, r.from(), r.to());
            }
            SliceResult first = slices.get(0);
            adam.advance(first.updates());
            int steps = (order.length + c.batchSize() - 1) / c.batchSize();
            if (first.updates() == steps) { // the tasks cached this end state (not after a diverged step)
                lastEnd = EndState.of(endToken, c, params, adam, recycled);
            }
            replayProgress(c, order, first.stepLosses(), progress);
            record(slices);
            long d3 = wallMicros();
            StringBuilder tl = new StringBuilder();
            for (SliceResult r : slices) {
                tl.append(" | rank ").append(r.rank()).append(r.cacheHit() ? " (cached start, " : " (fetched start, ")
                        .append(r.sharedMemoryPeers()).append(" peers in shared memory):");
                for (long w : r.wallMicros()) {
                    tl.append(String.format(java.util.Locale.ROOT, " %.1f", (w - d0) / 1e3));
                }
            }
            LOG.info(String.format(java.util.Locale.ROOT, "socket epoch %d timeline (ms from its start %d.%03d): job submitted "
                    + "%.1f, stage done %.1f, state in place %.1f; tasks (entered, start state ready, mesh linked, steps "
                    + "done, slice ready to push)%s", epoch + 1, d0 / 1_000_000 % 1000, d0 / 1000 % 1000, (d1 - d0) / 1e3, (d2 - d0) / 1e3, (d3 - d0) / 1e3, tl));
            return first.lossSum();
        } finally {
            store.forget("start/" + startToken);
            store.forget("same/" + startToken);
            same.join();
            store.forget("result/" + endToken + "/");
        }
    }

    /** The steps' losses reported in order once the epoch is back (the tasks ran elsewhere). */
    private static void replayProgress(VaeConfig c, int[] order, double[] losses, StepProgress progress) {
        int n = order.length;
        for (int s = 0; s < losses.length; s++) {
            int start = s * c.batchSize();
            int end = Math.min(n, start + c.batchSize());
            progress.step(s + 1, end, losses[s], end - start);
        }
    }

    /** The exchange's cost: the rank that waited least for its peers' arithmetic (so closest to the wire's cost). */
    private void record(List<SliceResult> slices) {
        int steps = slices.get(0).stepLosses().length;
        double exchange = Double.MAX_VALUE;
        double compute = 0;
        double bytes = 0;
        double rendezvous = 0;
        int cached = 0;
        int shared = 0;
        for (SliceResult r : slices) {
            cached += r.cacheHit() ? 1 : 0;
            shared += r.sharedMemoryPeers();
            exchange = Math.min(exchange, r.exchangeNanos() / 1e6 / Math.max(1, steps));
            compute = Math.max(compute, r.computeNanos() / 1e6 / Math.max(1, steps));
            bytes = Math.max(bytes, (double) r.bytesSent() / Math.max(1, steps));
            rendezvous = Math.max(rendezvous, r.rendezvousNanos() / 1e6);
        }
        last = new EpochStats(steps, exchange, compute, bytes, rendezvous, cached, shared / 2);
    }

    /** A task's epoch: rendezvous once, then every step its shard's gradient, its slice of the sum and of Adam. */
    static SliceResult runShard(Start st, SparkGradientSource.Shard shard, long entered) throws IOException {
        BarrierTaskContext tc = BarrierTaskContext.get();
        int p = shard.partition();
        int ranks = shard.partitions();
        int timeout = (int) Math.min(Integer.MAX_VALUE, st.timeoutMillis());
        VaeConfig c = st.config();
        InetSocketAddress store = new InetSocketAddress(st.trackerHost(), st.storePort());
        // the epoch's starting state: this executor's copy of the last epoch's end if the driver confirms it is the
        // state the driver holds, else the driver's
        String startedFrom = st.startToken();
        Replica w = null;
        if (st.cachedToken() != null && StateCache.holds(st.cachedToken(), p, ranks)) {
            byte[] same = BlobStore.fetch(store, "same/" + st.startToken(), timeout);
            if (same != null && same[0] == 1) {
                w = StateCache.take(st.cachedToken(), p, ranks);
                startedFrom = st.cachedToken();
            }
        }
        boolean hit = w != null;
        if (w == null) {
            startedFrom = st.startToken();
            byte[] state = BlobStore.fetch(store, "start/" + st.startToken(), timeout);
            if (state == null) {
                throw new IllegalStateException("the driver no longer offers the starting state " + st.startToken()
                        + " (its epoch is over)");
            }
            w = Replica.decode(c, state, st.size(), 1);
        }
        long ready = wallMicros();
        String host = st.bindAddress() != null ? st.bindAddress() : hostOf(tc.getTaskInfos()[p].address());
        Handshake self = new Handshake(tc.stageId(), tc.stageAttemptNumber(), p, ranks);
        PeerMesh mesh = PeerMesh.bind(InetAddress.getByName(host), self, timeout, st.sharedMemory());
        // success, failure or kill: the sockets go
        tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> mesh.close());
        long r0 = System.nanoTime();
        mesh.connect(Rendezvous.join(new InetSocketAddress(st.trackerHost(), st.trackerPort()), self,
                new InetSocketAddress(host, mesh.address().getPort()), timeout));
        long rendezvous = System.nanoTime() - r0;
        long linked = wallMicros();

        SliceAllReduce ar = new SliceAllReduce(mesh, st.size(), 1);
        long t = st.step();
        int n = st.order().length;
        int steps = (n + c.batchSize() - 1) / c.batchSize();
        double[] stepLosses = new double[steps];
        double lossSum = 0;
        long updates = 0;
        long exchange = 0;
        long compute = 0;
        int s = 0;
        for (int start = 0; start < n; start += c.batchSize(), s++) {
            FaultInjection.maybeFailMidEpoch(p, ranks, s, steps, "VAE socket epoch");
            int[] batch = Arrays.copyOfRange(st.order(), start, Math.min(n, start + c.batchSize()));
            long c0 = System.nanoTime();
            double own = w.shardGradientSending(c, shard, st.epoch(), batch, ar); // sends as the layers finish
            long e0 = System.nanoTime();
            compute += e0 - c0;
            long[] adam = {0};
            double[][] losses = w.reduceScatterAndUpdate(ar, own, st.hyper(), t + s + 1, adam);
            long e1 = System.nanoTime();
            exchange += e1 - e0 - adam[0];
            double loss = Replica.summedLoss(losses); // the same bits on every task, so all stop at the same step
            stepLosses[s] = loss;
            if (!Double.isFinite(loss)) { // diverged: the step is reported, not applied, and the epoch ends here
                lossSum += loss;
                s++;
                break;
            }
            w.allGather(ar);
            exchange += System.nanoTime() - e1;
            lossSum += loss;
            updates++;
        }
        long stepped = wallMicros();
        int from = ar.from();
        int to = ar.to();
        if (updates == steps) { // every rank ends the epoch with the same parameters and its own slice of the moments
            StateCache.put(run(st.endToken()), startedFrom, st.endToken(), p, ranks, w.stateOnly());
        }
        SliceResult result = new SliceResult(p, tc.stageId(), tc.stageAttemptNumber(), from, to, lossSum, updates,
                Arrays.copyOf(stepLosses, s), exchange, compute, ar.bytesSent(), rendezvous, hit, mesh.sharedMemoryPeers(),
                new long[] {entered, ready, linked, stepped, wallMicros()});
        byte[] meta = result.bytes();
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(Integer.BYTES + meta.length
                + 3 * (to - from) * w.elementBytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putInt(meta.length).put(meta);
        w.write(out, from, to);
        BlobStore.push(store, String.format(java.util.Locale.ROOT, "result/%s/%010d.%010d/%d", st.endToken(),
                tc.stageId(), tc.stageAttemptNumber(), p), out.array(), timeout);
        return result;
    }

    /** The run a token belongs to (its first path element). */
    static String run(String token) {
        return token.substring(0, token.indexOf('/') + 1);
    }

    /** "host:port" → host (an IPv6 literal keeps its colons). */
    static String hostOf(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public String describe() {
        return "barrier tasks exchanging gradients over sockets";
    }

    @Override
    public void close() {
        comparer.shutdown();
        tracker.close();
        store.close();
        SparkGradientSource.releaseShards(shards);
    }
}
