package org.sparkvi.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkThrowable;
import org.sparkvi.UserInputException;

/**
 * The files of a catalogue as Spark's file sources list them, a look at what a file holds, and the translation of
 * an everyday reading failure into one message that names the file: checked on the driver before Spark reads, so
 * that a wrong file is one line, not a failed task and a stack trace.
 */
public final class CatalogueFiles {
    private CatalogueFiles() {
    }

    /**
     * The data files under a path (a file, a folder read recursively, or a glob), skipping what Spark's file
     * listing skips: names starting with {@code _} or {@code .} (_SUCCESS, .crc files, staging folders).
     */
    static List<Path> list(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matched = fs.globStatus(p);
            List<Path> out = new ArrayList<>();
            if (matched != null) {
                for (FileStatus s : matched) {
                    collect(fs, s, out, true);
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UserInputException("cannot list the catalogue " + path + ": " + oneLine(e), e);
        }
    }

    private static void collect(FileSystem fs, FileStatus s, List<Path> out, boolean root) throws IOException {
        if (!root && hidden(s.getPath().getName())) {
            return;
        }
        if (s.isDirectory()) {
            for (FileStatus c : fs.listStatus(s.getPath())) {
                collect(fs, c, out, false);
            }
        } else {
            out.add(s.getPath());
        }
    }

    /** Spark's rule (InMemoryFileIndex): _x (but not a partition folder k=v) and .x are not data. */
    static boolean hidden(String name) {
        return (name.startsWith("_") && !name.contains("=")) || name.startsWith(".") || name.endsWith("._COPYING_");
    }

    /** A path as a user wrote it: a local file without its {@code file:} scheme. */
    public static String display(String file) {
        if (file == null) {
            return "?";
        }
        java.net.URI u = new Path(file).toUri();
        return "file".equals(u.getScheme()) ? u.getPath() : file;
    }

    /** What a file's first bytes say it is: PARQUET (its magic), GEOJSON (a '{'), CSV (a text line with a comma), or null. */
    static CatalogueFormat sniff(Path file, Configuration conf) {
        byte[] head = new byte[4096];
        int n = 0;
        try (InputStream in = FileSystems.withoutChecksums(file, conf).open(file)) {
            int r;
            while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
                n += r;
            }
        } catch (IOException e) {
            return null;
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
            return CatalogueFormat.PARQUET;
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                return null;
            }
        }
        String text = new String(head, 0, n, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            return CatalogueFormat.GEOJSON;
        }
        String first = text.lines().findFirst().orElse("");
        return first.contains(",") ? CatalogueFormat.CSV : null;
    }

    /** ", use --format X" when the file looks like another format than the one it was read as, else "". */
    static String formatHint(Path file, Configuration conf, CatalogueFormat readAs) {
        CatalogueFormat looks = sniff(file, conf);
        if (looks == null || looks == readAs) {
            return "";
        }
        return "; it looks like " + (looks == CatalogueFormat.PARQUET ? "Parquet" : looks == CatalogueFormat.CSV ? "CSV"
                : "JSON") + ": use --format " + looks.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The user error inside a reading failure: a user error thrown in a task, or a file Spark could not read
     * ({@code FAILED_READ_FILE}: corrupt or truncated data) named with the first line of its cause; else the failure
     * itself (Spark throws its checked SparkException from Scala: it is rethrown as it is).
     */
    public static RuntimeException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UserInputException u) {
                return u;
            }
            if (t instanceof SparkThrowable st && st.getCondition() != null && st.getCondition().startsWith("FAILED_READ_FILE")) {
                Map<String, String> params = st.getMessageParameters();
                String file = params == null ? null : params.get("path");
                Throwable root = t;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                return new UserInputException("cannot read " + display(file) + ": " + oneLine(root), e);
            }
        }
        return CatalogueFiles.<RuntimeException>rethrow(e);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException rethrow(Throwable e) throws E {
        throw (E) e;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }
}
