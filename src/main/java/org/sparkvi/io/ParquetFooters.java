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
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.sparkvi.UserInputException;

/** Row counts of Parquet files from their footers, read on the driver by a few threads. */
public final class ParquetFooters {
    private ParquetFooters() {
    }

    /**
     * What a footer says: the rows, the file's bytes, each top-level column's Parquet type (lower-case name → type), each row
     * group's rows and midpoint (the byte offset by which a reader assigns the group to a file split).
     */
    record Footer(long rows, long bytes, Map<String, String> types, long[] groupMidpoints, long[] groupRows) {
        /** The rows of the row groups whose midpoint lies in [start, start + length): what a split of that range reads. */
        long rowsIn(long start, long length) {
            long rows = 0;
            for (int g = 0; g < groupRows.length; g++) {
                if (groupMidpoints[g] >= start && groupMidpoints[g] < start + length) {
                    rows += groupRows[g];
                }
            }
            return rows;
        }

        /**
         * The 0-based row, in the file, at which a split of [start, start + length) begins: the rows of the groups
         * before its first (a range's groups are consecutive, since the groups' midpoints grow with their order).
         */
        long firstRowIn(long start) {
            long rows = 0;
            for (int g = 0; g < groupRows.length && groupMidpoints[g] < start; g++) {
                rows += groupRows[g];
            }
            return rows;
        }
    }

    /** File (as Spark's {@code _metadata.file_path} spells it) → its footer. */
    static Map<String, Footer> read(String[] files, Configuration conf) {
        return read(files, conf, Map.of(), null);
    }

    /**
     * As {@link #read(String[], Configuration)}, taking the footers already read from {@code known}; a file that is
     * not Parquet (or not whole) is one user error naming it and saying what it is, {@code catalogue} being the path
     * the files were listed from (a stray file in a folder is told apart from a file in another format).
     */
    static Map<String, Footer> read(String[] files, Configuration conf, Map<String, Footer> known, Path catalogue) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, Math.max(1, files.length)), r -> {
            Thread t = new Thread(r, "sparkvi-parquet-footers");
            t.setDaemon(true);
            return t;
        });
        // options from the caller's configuration: ParquetFileReader.open(file) alone builds a new Hadoop
        // Configuration per file, which parses core-default.xml again (~8 ms a file, most of opening a catalogue)
        ParquetReadOptions options = HadoopReadOptions.builder(conf).build();
        try {
            List<Future<Footer>> counts = new ArrayList<>();
            for (String f : files) {
                Footer already = known.get(metadataPath(f));
                if (already != null) {
                    counts.add(java.util.concurrent.CompletableFuture.completedFuture(already));
                    continue;
                }
                counts.add(pool.submit(() -> {
                    HadoopInputFile file = HadoopInputFile.fromPath(new Path(f), conf);
                    try (ParquetFileReader reader = ParquetFileReader.open(file, options)) {
                        Map<String, String> types = new TreeMap<>();
                        for (org.apache.parquet.schema.Type t : reader.getFooter().getFileMetaData().getSchema().getFields()) {
                            types.put(t.getName().toLowerCase(java.util.Locale.ROOT), t.isPrimitive()
                                    ? t.asPrimitiveType().getPrimitiveTypeName().name()
                                    + (t.getLogicalTypeAnnotation() == null ? "" : " (" + t.getLogicalTypeAnnotation() + ")")
                                    : "group");
                        }
                        var groups = reader.getRowGroups();
                        long[] midpoints = new long[groups.size()];
                        long[] rows = new long[groups.size()];
                        for (int g = 0; g < rows.length; g++) { // parquet-mr's filterFileMetaDataByMidpoint
                            midpoints[g] = groups.get(g).getStartingPos() + groups.get(g).getCompressedSize() / 2;
                            rows[g] = groups.get(g).getRowCount();
                        }
                        return new Footer(reader.getRecordCount(), file.getLength(), types, midpoints, rows);
                    }
                }));
            }
            Map<String, Footer> out = new TreeMap<>();
            for (int i = 0; i < files.length; i++) {
                try {
                    out.put(metadataPath(files[i]), counts.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    throw new UserInputException(unreadable(files[i], c, conf, catalogue), c);
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

    /**
     * The table schema Spark infers for a catalogue with schema merging off (its default): that of its first file in
     * path order, {@code firstFile} (Spark's {@code ParquetUtils.inferSchema} sorts the files by path and reads one
     * footer), by Spark's own conversion ({@code ParquetFileFormat.readSchemaFromFooter}: the Spark schema a Spark
     * writer stored in the footer, else the Parquet schema converted under the session's settings). Given to the
     * reader, it spares the Spark job that inference runs to read that footer (0.3-0.4 s of a cold open).
     */
    static org.apache.spark.sql.types.StructType sparkSchema(String firstFile, Configuration conf,
                                                             org.apache.spark.sql.SparkSession spark) {
        // that footer once more (a few ms on the driver), rather than every file's schema kept from the first reading
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(firstFile), conf),
                HadoopReadOptions.builder(conf).build())) {
            var converter = new org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter(
                    spark.sessionState().conf());
            var footer = new org.apache.parquet.hadoop.Footer(new Path(firstFile), reader.getFooter());
            org.apache.spark.sql.types.StructType schema = org.apache.spark.sql.execution.datasources.parquet
                    .ParquetFileFormat$.MODULE$.readSchemaFromFooter(footer, converter);
            return schema.asNullable(); // as Spark makes every file source's inferred columns
        } catch (IOException e) {
            throw new UserInputException("cannot read the footer of " + firstFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a catalogue whose files give one of {@code columns} different types (Spark would fail deep in a task),
     * naming the column, a file of each type and the types.
     */
    static void requireOneTypePerColumn(Map<String, Footer> footers, java.util.Collection<String> columns) {
        for (String column : columns) {
            String c = column.toLowerCase(java.util.Locale.ROOT);
            Map<String, String> fileOfType = new TreeMap<>();
            footers.forEach((file, footer) -> {
                String type = footer.types().get(c);
                if (type != null) {
                    fileOfType.putIfAbsent(type, file);
                }
            });
            if (fileOfType.size() > 1) {
                StringBuilder msg = new StringBuilder("column '" + column + "' has different types in the catalogue's files:");
                fileOfType.forEach((type, file) -> msg.append(" ").append(type).append(" in ").append(file).append(";"));
                msg.setLength(msg.length() - 1);
                throw new UserInputException(msg + ". Rewrite the files with one type (jobs/sparkvi convert types ComCat columns).");
            }
        }
    }

    /** One spelling of a file's path, whether written file:/x, file:///x or scheme://authority/x. */
    public static String metadataPath(String file) {
        java.net.URI u = new Path(file).toUri();
        return (u.getScheme() == null ? "" : u.getScheme() + "://") + (u.getAuthority() == null ? "" : u.getAuthority())
                + u.getPath();
    }

    /** What is wrong with a file whose footer could not be read, in one line. */
    static String unreadable(String file, Throwable cause, Configuration conf, Path catalogue) {
        String name = CatalogueFiles.display(file);
        String why = oneLine(cause);
        Path p = new Path(file);
        CatalogueFormat looks = CatalogueFiles.sniff(p, conf);
        if (!why.contains("is not a Parquet file")) {
            return "cannot read the Parquet file " + name + ": " + why;
        }
        if (looks == CatalogueFormat.PARQUET) {
            return name + " is not a complete Parquet file: it does not end with a Parquet footer "
                    + "(truncated by an interrupted copy or write?)";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("length is too low: (\\d+)").matcher(why);
        String msg = name + " is not a Parquet file" + (m.find() ? " (only " + m.group(1) + " bytes)" : "");
        boolean inFolder = catalogue != null && !p.equals(catalogue);
        if (inFolder) {
            return msg + ": a Parquet catalogue folder must hold only Parquet files (names starting with _ or . are skipped)";
        }
        return msg + CatalogueFiles.formatHint(p, conf, CatalogueFormat.PARQUET);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
