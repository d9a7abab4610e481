package org.sparkvi.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Relative paths are the user's, from the working folder; the bundled data are also found from $SPARKVI_HOME. */
public final class BundledPaths {
    private BundledPaths() {
    }

    public static String resolve(String path) {
        if (path == null || path.contains("://") || Path.of(path).isAbsolute() || Files.exists(Path.of(path))) {
            return path;
        }
        String home = System.getenv("SPARKVI_HOME");
        if (home != null && Files.exists(Path.of(home, path))) {
            return Path.of(home, path).toString();
        }
        return path;
    }
}
