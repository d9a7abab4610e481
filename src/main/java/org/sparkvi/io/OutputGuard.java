package org.sparkvi.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkvi.UserInputException;

/**
 * Decides whether a run may write to its output path, before it does any work. The rule is Spark's
 * {@code SaveMode.ErrorIfExists} with one exception: an earlier output of the same command, recognised by the
 * {@value #MARKER} file the project writes into every output, is replaced. Anything else that exists is refused
 * unless the user says {@code --overwrite}; and even then the working folder, its parents, and the paths the run
 * reads (and any folder holding them) are refused.
 */
public final class OutputGuard {
    /** The marker in every output folder: one line {@code sparkvi KIND}. Parquet readers skip names starting with '_'. */
    public static final String MARKER = "_SPARKVI";

    private OutputGuard() {
    }

    /** Throws a {@link UserInputException} saying why {@code target} may not be written; returns when it may. */
    public static void check(FileSystem fs, Path target, OutputRequest req) {
        String shown = req.path();
        for (Path p = target.getParent(); p != null; p = p.getParent()) {
            FileStatus st = status(fs, p);
            if (st != null && !st.isDirectory()) {
                throw new UserInputException("--output " + shown + " cannot be written: " + p + " is a file, not a folder");
            }
        }
        for (Forbidden forbidden : forbidden(fs, req)) {
            if (isAncestorOrSelf(target, forbidden.path())) {
                throw new UserInputException("--output " + shown + " would replace " + forbidden.what()
                        + (target.equals(forbidden.path()) ? "" : " (" + forbidden.path() + ")")
                        + "; refused even with --overwrite. Choose another --output.");
            }
        }
        FileStatus st = status(fs, target);
        if (st == null) {
            return;
        }
        String marker = st.isDirectory() ? markerKind(fs, target) : null;
        if (req.kind().equals(marker)) {
            return;
        }
        if (req.overwrite()) {
            return;
        }
        String what = !st.isDirectory() ? "is a file"
                : marker == null ? "is a folder that sparkvi did not write (it has no " + MARKER + " marker)"
                : "holds the output of sparkvi " + marker + ", not of sparkvi " + req.kind();
        throw new UserInputException("--output " + shown + " exists and " + what + "; it was left untouched. "
                + "Choose another --output, or pass --overwrite to replace it.");
    }

    /** The kind named by a folder's marker, or null when it has none. */
    public static String markerKind(FileSystem fs, Path dir) {
        Path m = new Path(dir, MARKER);
        try (InputStream in = fs.open(m)) {
            String text = new String(in.readNBytes(200), StandardCharsets.UTF_8).trim();
            return text.startsWith("sparkvi ") ? text.substring("sparkvi ".length()).trim() : null;
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UserInputException("cannot read " + m + ": " + e.getMessage(), e);
        }
    }

    static byte[] markerBytes(String kind) {
        return ("sparkvi " + kind + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private record Forbidden(Path path, String what) {
    }

    private static List<Forbidden> forbidden(FileSystem fs, OutputRequest req) {
        List<Forbidden> out = new ArrayList<>();
        if ("file".equals(fs.getUri().getScheme())) {
            Path cwd = fs.makeQualified(new Path(Paths.get("").toAbsolutePath().toString()));
            // the working folder and every parent of it: replacing one would delete the working folder
            out.add(new Forbidden(cwd, "the working folder"));
        }
        for (String read : req.reads()) {
            Path p = literalPrefix(read);
            try {
                out.add(new Forbidden(p.getFileSystem(fs.getConf()).makeQualified(p), "the path this run reads, " + read));
            } catch (IOException e) {
                // a read path on a file system we cannot reach cannot be the output either
            }
        }
        return out;
    }

    /** The part of a path before its first glob character: what a pattern can match lies below it. */
    static Path literalPrefix(String path) {
        int glob = indexOfGlob(path);
        if (glob < 0) {
            return new Path(path);
        }
        int slash = path.lastIndexOf('/', glob);
        return new Path(slash <= 0 ? "/" : path.substring(0, slash));
    }

    private static int indexOfGlob(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code dir} is {@code p} or one of its parents (the output would contain p). */
    static boolean isAncestorOrSelf(Path dir, Path p) {
        String d = dir.toUri().getPath().replaceAll("/+$", "");
        String q = p.toUri().getPath().replaceAll("/+$", "");
        boolean sameFs = java.util.Objects.equals(dir.toUri().getScheme(), p.toUri().getScheme())
                && java.util.Objects.equals(dir.toUri().getAuthority(), p.toUri().getAuthority());
        return sameFs && (q.equals(d) || d.isEmpty() || q.startsWith(d + "/"));
    }

    private static FileStatus status(FileSystem fs, Path p) {
        try {
            return fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UserInputException("cannot inspect " + p + ": " + e.getMessage(), e);
        }
    }
}
