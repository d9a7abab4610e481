package org.sparkvi.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkvi.UserInputException;

/**
 * An output directory written all at once: everything goes into a hidden sibling {@code .DIR.tmp-UUID}, and
 * {@link #commit()} renames it to DIR, replacing an older DIR. What may be replaced is decided by
 * {@link OutputGuard} before anything is written. Until the commit DIR is untouched; {@link #close()} without commit,
 * or the JVM stopping (Ctrl-C, SIGTERM), deletes the staging folder and keeps the previous output.
 * <p>
 * A run killed outright (SIGKILL, a lost driver) cannot clean up, so each staging folder holds an owner file
 * ({@value #OWNER}: host, process id) whose modification time a heartbeat renews every
 * {@link #HEARTBEAT_SECONDS} s. A later run to the same output deletes a sibling staging folder only when its owner
 * is dead: the same host and no such process, or a heartbeat older than {@link #STALE_AFTER_MS} (another host).
 * Works on any Hadoop file system; on the local one it writes no {@code .crc} checksum files.
 */
public final class AtomicOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicOutput.class);
    static final String OWNER = "_SPARKVI_STAGING";
    static final long HEARTBEAT_SECONDS = 60;
    /** Ten missed heartbeats: a live run on another host is never taken for dead. */
    static final long STALE_AFTER_MS = 10 * HEARTBEAT_SECONDS * 1000;
    private static final ScheduledExecutorService HEARTBEAT = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sparkvi-output-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final String kind;
    private final boolean local;
    private final ScheduledFuture<?> heartbeat;
    private final Thread onInterrupt;
    private boolean committed;

    public AtomicOutput(OutputRequest req, Configuration conf) {
        Path t = new Path(req.path());
        try {
            this.fs = FileSystems.withoutChecksums(t, conf);
        } catch (IOException e) {
            throw new UserInputException("--output " + req.path() + ": " + e.getMessage(), e);
        }
        this.target = fs.makeQualified(t);
        this.local = "file".equals(target.toUri().getScheme());
        this.kind = req.kind();
        OutputGuard.check(fs, target, req);
        this.staging = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        removeStaleSiblings();
        try {
            if (!fs.mkdirs(staging)) {
                throw new IOException("mkdirs returned false");
            }
            writeOwner();
        } catch (IOException e) {
            throw new UserInputException("--output " + req.path() + " cannot be written: cannot create " + staging
                    + " (" + e.getMessage() + ")", e);
        }
        Path owner = new Path(staging, OWNER);
        this.heartbeat = HEARTBEAT.scheduleAtFixedRate(() -> touch(owner), HEARTBEAT_SECONDS, HEARTBEAT_SECONDS,
                TimeUnit.SECONDS);
        this.onInterrupt = new Thread(this::interrupted, "sparkvi-output-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
    }

    /**
     * Refuses an output path before a long run starts, by the rules of {@link OutputGuard}; the run checks again
     * when it opens the output.
     */
    public static void check(OutputRequest req, Configuration conf) {
        Path t = new Path(req.path());
        try {
            FileSystem fs = t.getFileSystem(conf);
            OutputGuard.check(fs, fs.makeQualified(t), req);
        } catch (IOException e) {
            throw new UserInputException("--output " + req.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the {@code .NAME.crc} files that Hadoop's local file system writes beside what Spark's writers wrote
     * (HDFS keeps checksums inside, and has none of these).
     */
    private void removeChecksums(Path dir) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (s.isDirectory()) {
                removeChecksums(s.getPath());
            } else if (name.startsWith(".") && name.endsWith(".crc")
                    && fs.exists(new Path(dir, name.substring(1, name.length() - 4)))) {
                fs.delete(s.getPath(), false);
            }
        }
    }

    /** The final directory, qualified. */
    public Path target() {
        return target;
    }

    /** The staging directory itself, for a writer that fills a whole folder (it appears as the target on commit). */
    public String root() {
        return staging.toString();
    }

    /** A path inside the staging directory; what is written there appears under the target on commit. */
    public String path(String name) {
        return new Path(staging, name).toString();
    }

    public OutputStream create(String name) throws IOException {
        return fs.create(new Path(staging, name), true);
    }

    public void writeString(String name, String text) {
        writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBytes(String name, byte[] bytes) {
        try (OutputStream out = create(name)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Marks the staging folder as this command's output and moves it into place; an older target is moved aside first. */
    public void commit() {
        try {
            fs.delete(new Path(staging, OWNER), false);
            writeBytes(OutputGuard.MARKER, OutputGuard.markerBytes(kind));
            if (local) {
                removeChecksums(staging);
            }
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
                if (!fs.rename(target, old)) {
                    throw new IOException("cannot move the old " + target + " aside");
                }
            }
            if (!fs.rename(staging, target)) {
                if (old != null) {
                    fs.rename(old, target);
                }
                throw new IOException("cannot rename " + staging + " to " + target);
            }
            committed = true;
            if (old != null) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit output " + target + ": " + e.getMessage(), e);
        } finally {
            stopWatching();
        }
    }

    @Override
    public void close() {
        stopWatching();
        if (!committed) {
            deleteStaging();
        }
    }

    private void stopWatching() {
        heartbeat.cancel(false);
        try {
            Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it does the clean-up
        }
    }

    private void interrupted() {
        if (!committed) {
            deleteStaging();
            System.err.println("sparkvi: interrupted; " + (exists(target) ? "previous output at " + target + " kept"
                    : "no output written to " + target));
        }
    }

    private boolean exists(Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    private void deleteStaging() {
        try {
            fs.delete(staging, true);
        } catch (IOException ignored) {
            // best effort: the folder is hidden, named as temporary, and a later run removes it once its owner is gone
        }
    }

    private void writeOwner() throws IOException {
        try (OutputStream out = fs.create(new Path(staging, OWNER), true)) {
            out.write(("host=" + Host.NAME + "\npid=" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void touch(Path owner) {
        try {
            fs.setTimes(owner, System.currentTimeMillis(), -1);
        } catch (IOException e) {
            LOG.debug("heartbeat of {} failed", owner, e);
        }
    }

    /** Deletes {@code .NAME.tmp-*} and {@code .NAME.old-*} siblings whose runs are dead (see the class comment). */
    private void removeStaleSiblings() {
        FileStatus[] siblings;
        try {
            siblings = fs.listStatus(target.getParent(), p -> p.getName().startsWith("." + target.getName() + ".tmp-")
                    || p.getName().startsWith("." + target.getName() + ".old-"));
        } catch (FileNotFoundException e) {
            return;
        } catch (IOException e) {
            LOG.debug("cannot list {}", target.getParent(), e);
            return;
        }
        long now = System.currentTimeMillis();
        for (FileStatus s : siblings) {
            if (s.isDirectory() && isStale(s, now)) {
                try {
                    if (fs.delete(s.getPath(), true)) {
                        LOG.info("removed {}, left by a run that was killed", s.getPath());
                    }
                } catch (IOException e) {
                    LOG.warn("cannot remove the stale staging folder {}: {}", s.getPath(), e.getMessage());
                }
            }
        }
    }

    private boolean isStale(FileStatus dir, long now) {
        Path owner = new Path(dir.getPath(), OWNER);
        FileStatus st;
        String text;
        try {
            st = fs.getFileStatus(owner);
            try (InputStream in = fs.open(owner)) {
                text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            // no owner: a folder moved aside by a commit, or written by a version without owners; judged by its age
            return now - dir.getModificationTime() > STALE_AFTER_MS;
        }
        String host = field(text, "host");
        String pid = field(text, "pid");
        if (Host.NAME.equals(host) && pid != null) {
            try {
                return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
            } catch (NumberFormatException e) {
                return now - st.getModificationTime() > STALE_AFTER_MS;
            }
        }
        return now - st.getModificationTime() > STALE_AFTER_MS;
    }

    private static String field(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        return null;
    }

    private static final class Host {
        static final String NAME = name();

        private static String name() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
