package org.sparkvi.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output directory written all at once: everything goes into a hidden sibling
 * {@code .DIR.tmp-UUID}, and {@link #commit()} renames it to DIR, replacing an older DIR.
 * Until then DIR is untouched; {@link #close()} without commit deletes the temporary folder.
 * Works on any Hadoop file system (local, HDFS, ...).
 */
public final class AtomicOutput implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private boolean committed;

    public AtomicOutput(String dir, Configuration conf) {
        try {
            Path t = new Path(dir);
            this.fs = t.getFileSystem(conf);
            this.target = fs.makeQualified(t);
            this.staging = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
            if (!fs.mkdirs(staging)) {
                throw new IOException("cannot create " + staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare output directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The final directory, as given. */
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
        try (OutputStream out = create(name)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeBytes(String name, byte[] bytes) {
        try (OutputStream out = create(name)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves the staging folder into place; an older target is moved aside first and deleted after. */
    public void commit() {
        try {
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
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                fs.delete(staging, true);
            } catch (IOException ignored) {
                // best effort: the staging folder is hidden and named as temporary
            }
        }
    }
}
