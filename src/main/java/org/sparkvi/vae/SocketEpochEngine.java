package org.sparkvi.vae;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.allreduce.Handshake;
import org.sparkvi.allreduce.PeerMesh;
import org.sparkvi.allreduce.Rendezvous;
import org.sparkvi.allreduce.SliceAllReduce;
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
 * <p>The epoch's starting state (parameters, Adam's moments, the order) travels as one broadcast; each task returns
 * its slice of the parameters and moments through a shuffle, which makes the barrier stage a shuffle-map stage that
 * Spark relaunches after a failure: any task failure (a dead executor, a peer's timeout) fails the stage attempt and
 * the new attempt starts again from the epoch's starting state; its handshake refuses the old attempt's connections.
 * The steps' losses come back with the result, so progress is reported when the epoch ends, not live.
 */
public final class SocketEpochEngine implements EpochEngine {
    /** The address the tasks bind and advertise (default: the executor's host as Spark knows it). */
    public static final String BIND_ADDRESS = "spark.sparkvi.vae.bindAddress";
    /** How long a task waits for a peer (rendezvous, a step's message) before failing: a Spark time string. */
    public static final String TIMEOUT = PeerMesh.TIMEOUT_SETTING;
    static final String DEFAULT_TIMEOUT = "120s";
    /** How long the engine waits for executors to register before refusing for want of task slots. */
    public static final String SLOT_WAIT = "spark.sparkvi.vae.slotWait";

    private final SparkSession spark;
    private final JavaRDD<SparkGradientSource.Shard> shards;
    private final int partitions;
    private final Rendezvous tracker;
    private final String trackerHost;
    private volatile EpochStats last;

    /**
     * What the last epoch's tasks measured: ms per step of exchange (the rank that waited least, so closest to the
     * wire's cost) and of gradient arithmetic (the slowest rank), bytes each rank sent per step, the rendezvous.
     */
    public record EpochStats(int steps, double exchangeMsPerStep, double computeMsPerStep, double bytesPerRankPerStep,
                             double rendezvousMs) {
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
            this.tracker = Rendezvous.open(InetAddress.getByName(conf.get("spark.driver.bindAddress", trackerHost)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the socket engine's rendezvous on the driver (" + trackerHost
                    + "): " + e.getMessage(), e);
        }
        this.shards = SparkGradientSource.cacheShards(spark, data, partitions);
    }

    /** Whether the socket engine can run here: null, or why not (waiting for executors to register if wait). */
    public static String refusal(SparkSession spark, int partitions, boolean wait) {
        SparkConf conf = spark.sparkContext().getConf();
        String settings = settingsRefusal(conf);
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
    static String settingsRefusal(SparkConf conf) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return "the socket engine runs a barrier stage, which Spark refuses under dynamic allocation: set "
                    + "spark.dynamicAllocation.enabled=false (or use --engine steps)";
        }
        if (!conf.contains("spark.barrier.sync.timeout")) {
            return "spark.barrier.sync.timeout is at its default of 365 days, so a task that never reaches the "
                    + "rendezvous would hold the job for a year: set it, e.g. --conf spark.barrier.sync.timeout=300s";
        }
        return null;
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

    /** What every task of an epoch starts from. */
    record Start(VaeConfig config, double[] params, Adam adam, int[] order, int epoch, String bindAddress,
                 long timeoutMillis, String trackerHost, int trackerPort) implements Serializable {
    }

    /** One task's share of the result: its slice of parameters and moments, and what it measured. */
    record SliceResult(int rank, int from, double[] params, double[] m, double[] v, double lossSum, long updates,
                       double[] stepLosses, long exchangeNanos, long computeNanos, long bytesSent, long rendezvousNanos)
            implements Serializable {
    }

    @Override
    public double epoch(VaeConfig c, double[] params, Adam adam, int epoch, int[] order, StepProgress progress) {
        SparkConf conf = spark.sparkContext().getConf();
        Start start = new Start(c, params.clone(), adam, order, epoch, conf.get(BIND_ADDRESS, null),
                conf.getTimeAsMs(TIMEOUT, DEFAULT_TIMEOUT), trackerHost, tracker.port());
        Broadcast<Start> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(start);
        try {
            scala.Function1<scala.collection.Iterator<SparkGradientSource.Shard>, scala.collection.Iterator<SliceResult>> task =
                    (scala.Function1<scala.collection.Iterator<SparkGradientSource.Shard>, scala.collection.Iterator<SliceResult>>
                            & Serializable) it -> {
                        try {
                            return scala.jdk.javaapi.CollectionConverters.asScala(List.of(runShard(b.value(), it.next()))
                                    .iterator());
                        } catch (IOException e) {
                            throw new IllegalStateException("the socket exchange failed: " + e.getMessage(), e);
                        }
                    };
            var tag = scala.reflect.ClassTag$.MODULE$.<SliceResult>apply(SliceResult.class);
            // the shuffle after the barrier stage makes it a shuffle-map stage, which Spark relaunches after a failure
            List<SliceResult> slices = new ArrayList<>(SparkSessions.describe(spark, "VAE epoch " + (epoch + 1) + ": "
                    + partitions + " barrier tasks step together, exchanging gradients over sockets", () ->
                    new JavaRDD<>(shards.rdd().barrier().mapPartitions(task, false, tag), tag)
                            .mapToPair(r -> new scala.Tuple2<>(r.rank(), r)).partitionBy(new HashPartitioner(1))
                            .values().collect()));
            slices.sort(java.util.Comparator.comparingInt(SliceResult::rank));
            double[] m = adam.firstMoment();
            double[] v = adam.secondMoment();
            for (SliceResult r : slices) {
                System.arraycopy(r.params(), 0, params, r.from(), r.params().length);
                System.arraycopy(r.m(), 0, m, r.from(), r.m().length);
                System.arraycopy(r.v(), 0, v, r.from(), r.v().length);
            }
            SliceResult first = slices.get(0);
            adam.advance(m, v, first.updates());
            replayProgress(c, order, first.stepLosses(), progress);
            record(slices);
            return first.lossSum();
        } finally {
            b.destroy();
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
        for (SliceResult r : slices) {
            exchange = Math.min(exchange, r.exchangeNanos() / 1e6 / Math.max(1, steps));
            compute = Math.max(compute, r.computeNanos() / 1e6 / Math.max(1, steps));
            bytes = Math.max(bytes, (double) r.bytesSent() / Math.max(1, steps));
            rendezvous = Math.max(rendezvous, r.rendezvousNanos() / 1e6);
        }
        last = new EpochStats(steps, exchange, compute, bytes, rendezvous);
    }

    /** A task's epoch: rendezvous once, then every step its shard's gradient, its slice of the sum and of Adam. */
    static SliceResult runShard(Start st, SparkGradientSource.Shard shard) throws IOException {
        BarrierTaskContext tc = BarrierTaskContext.get();
        FaultInjection.maybeFail("VAE socket epoch");
        int p = shard.partition();
        int ranks = shard.partitions();
        String host = st.bindAddress() != null ? st.bindAddress() : hostOf(tc.getTaskInfos()[p].address());
        Handshake self = new Handshake(tc.stageId(), tc.stageAttemptNumber(), p, ranks);
        int timeout = (int) Math.min(Integer.MAX_VALUE, st.timeoutMillis());
        PeerMesh mesh = PeerMesh.bind(InetAddress.getByName(host), self, timeout);
        // success, failure or kill: the sockets go
        tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> mesh.close());
        long r0 = System.nanoTime();
        mesh.connect(Rendezvous.join(new InetSocketAddress(st.trackerHost(), st.trackerPort()), self,
                new InetSocketAddress(host, mesh.address().getPort()), timeout));
        long rendezvous = System.nanoTime() - r0;

        VaeConfig c = st.config();
        int size = st.params().length;
        SliceAllReduce ar = new SliceAllReduce(mesh, size, 1);
        // the broadcast value is shared by the executor's tasks: the replica copies it (in the run's precision)
        Replica w = Replica.of(c, st.params(), st.adam().firstMoment(), st.adam().secondMoment(), 1);
        long t = st.adam().step();
        int n = st.order().length;
        int steps = (n + c.batchSize() - 1) / c.batchSize();
        double[] stepLosses = new double[steps];
        double lossSum = 0;
        long updates = 0;
        long exchange = 0;
        long compute = 0;
        int s = 0;
        for (int start = 0; start < n; start += c.batchSize(), s++) {
            int[] batch = Arrays.copyOfRange(st.order(), start, Math.min(n, start + c.batchSize()));
            long c0 = System.nanoTime();
            double own = w.shardGradient(c, shard, 0, st.epoch(), batch);
            long e0 = System.nanoTime();
            compute += e0 - c0;
            double[][] losses = w.reduceScatter(ar, own);
            exchange += System.nanoTime() - e0;
            double loss = 0; // every task sums the same losses in the same order, so all stop at the same step
            for (double[] l : losses) {
                loss += l[0];
            }
            stepLosses[s] = loss;
            if (!Double.isFinite(loss)) { // diverged: the step is reported, not applied, and the epoch ends here
                lossSum += loss;
                s++;
                break;
            }
            w.updateReduced(st.adam(), ar.from(), ar.to(), t + s + 1);
            long e1 = System.nanoTime();
            w.allGather(ar);
            exchange += System.nanoTime() - e1;
            lossSum += loss;
            updates++;
        }
        int from = ar.from();
        int to = ar.to();
        double[][] slice = w.slice(from, to);
        return new SliceResult(p, from, slice[0], slice[1], slice[2], lossSum, updates, Arrays.copyOf(stepLosses, s),
                exchange, compute, ar.bytesSent(), rendezvous);
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
        tracker.close();
        shards.unpersist(false);
    }
}
