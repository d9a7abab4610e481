package org.sparkvi.io;

import java.util.List;
import org.sparkvi.UserInputException;

/**
 * Where a command writes and what it may replace there. {@code kind} names the command ("cavi", "vae", …) and is
 * written into the output's {@code _SPARKVI} marker: a later run of the same kind may replace that output, nothing
 * else is replaced unless {@code overwrite}. {@code reads} are the paths the run reads (input, model): the output may
 * never be one of them or contain one, even with {@code overwrite}.
 */
public record OutputRequest(String path, String kind, boolean overwrite, List<String> reads) {
    public OutputRequest {
        if (path == null || path.isBlank()) {
            throw new UserInputException("--output must name a folder");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("an output needs the kind of command that writes it");
        }
        reads = reads == null ? List.of() : reads.stream().filter(r -> r != null && !r.isBlank()).toList();
        parsable("--output " + path, path);
        for (String r : reads) {
            parsable(r + " (a path this run reads)", r);
        }
    }

    /** Hadoop refuses some strings as paths ("a:b" reads as a scheme): the user's error, said before any work. */
    private static void parsable(String what, String path) {
        try {
            new org.apache.hadoop.fs.Path(path);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(what + " is not a valid path: " + e.getMessage());
        }
    }

    public static OutputRequest of(String path, String kind) {
        return new OutputRequest(path, kind, false, List.of());
    }

    /** The same request for a folder inside this one (a checkpoint), of its own kind. */
    public OutputRequest child(String name, String childKind) {
        return new OutputRequest(path.replaceAll("/+$", "") + "/" + name, childKind, overwrite, reads);
    }
}
