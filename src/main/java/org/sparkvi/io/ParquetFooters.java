package org.sparkvi.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.sparkvi.cli.UserInputException;

/** Row counts of Parquet files from their footers, read on the driver by a few threads. */
final class ParquetFooters {
    private ParquetFooters() {
    }

    /** File (as Spark's {@code _metadata.file_path} spells it) → rows. */
    static Map<String, Long> rowCounts(String[] files, Configuration conf) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, Math.max(1, files.length)), r -> {
            Thread t = new Thread(r, "sparkvi-parquet-footers");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Long>> counts = new ArrayList<>();
            for (String f : files) {
                counts.add(pool.submit(() -> {
                    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(f), conf))) {
                        return reader.getRecordCount();
                    }
                }));
            }
            Map<String, Long> out = new TreeMap<>();
            for (int i = 0; i < files.length; i++) {
                try {
                    out.put(metadataPath(files[i]), counts.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    throw new UserInputException("cannot read the Parquet file " + files[i] + ": " + oneLine(c), c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading Parquet footers", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One spelling of a file's path, whether written file:/x, file:///x or scheme://authority/x. */
    static String metadataPath(String file) {
        java.net.URI u = new Path(file).toUri();
        return (u.getScheme() == null ? "" : u.getScheme() + "://") + (u.getAuthority() == null ? "" : u.getAuthority())
                + u.getPath();
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
