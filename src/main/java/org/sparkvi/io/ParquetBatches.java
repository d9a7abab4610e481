package org.sparkvi.io;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;

/**
 * A Parquet catalogue's columns straight from Spark's vectorised reader, as its column batches: no row is converted
 * to Spark's binary row format, and the file path (a constant column of each batch) is not copied into every row.
 * This is the plan Spark itself runs for {@code select(columns, _metadata.file_path)}, stopped before its row
 * conversion ({@link FileSourceScanExec#executeColumnar}), with the file splits, the reader's settings and task
 * retries as Spark has them.
 * <p>
 * Each record's row in its file is counted here, not read from Spark's {@code _metadata.row_index}, whose filling
 * (a Scala closure per row) took a fifth of a 10⁷-event read: a split reads its file's row groups whose midpoint
 * it holds, consecutive and in order, so the footers give the first row of every split and a partition's splits
 * follow one another in a known order. Each batch's file is checked against the split it should come from, and
 * each split's rows against its footer; a difference is an error, never a shifted index.
 * <p>
 * The batches' columns: the named columns in the order given, then the file's path (string), then the record's
 * 0-based row in its file (long). A batch is valid until the iterator moves on.
 */
public final class ParquetBatches {
    /** Spark's key, in a scan attribute's metadata, naming the file-metadata field it holds. */
    private static final String METADATA_FIELD = "__metadata_col";

    private ParquetBatches() {
    }

    /**
     * The column batches (a batch, and the vectors it holds, are valid until its iterator moves on), and per
     * partition the number of rows its file splits hold (from the footers).
     */
    public record Batches(JavaRDD<ColumnarBatch> batches, long[] expectedRows) {
    }

    /**
     * The batches, or null when Spark would not read these columns as batches (a type its vectorised reader does not
     * take, the reader turned off, or a plan that is not a lone file scan).
     * <p>
     * Partitions: a multiple of Spark's default parallelism, each at most spark.sql.files.maxPartitionBytes (Spark's
     * own bound), balanced by rows. Spark packs files into splits by bytes, one after another: a 10⁷-event catalogue
     * of 20 files came out as 3 or 4 partitions on 2 cores, so one core sat idle through the last partition's read
     * and through the last partition of every iteration after it. Here Spark is asked for splits a quarter of the
     * partitions' size, and those are grouped into the partitions largest first, each into the group with the
     * fewest rows so far ({@link BalancedGroups}): the same grouping for the same files on every run.
     */
    static Batches batches(Dataset<Row> parquet, List<String> columns, Map<String, ParquetFooters.Footer> footers) {
        List<Column> select = new ArrayList<>();
        for (String c : columns) {
            select.add(col("`" + c.replace("`", "``") + "`"));
        }
        select.add(col("_metadata.file_path"));
        SparkSession spark = parquet.sparkSession();
        String key = "spark.sql.files.maxPartitionBytes";
        boolean wasSet = spark.conf().contains(key);
        String before = spark.conf().get(key);
        long maxBytes = JavaUtils.byteStringAsBytes(before);
        long open = JavaUtils.byteStringAsBytes(spark.conf().get("spark.sql.files.openCostInBytes"));
        int parallelism = spark.sparkContext().defaultParallelism();
        long total = 0;
        for (ParquetFooters.Footer f : footers.values()) {
            total += f.bytes() + open;
        }
        long waves = Math.max(1, (total + parallelism * maxBytes - 1) / (parallelism * maxBytes));
        int partitions = (int) Math.min(Integer.MAX_VALUE / 2, waves * parallelism);
        // the split size holds while the scan is planned and its file splits made; the session's own is put back
        spark.conf().set(key, Long.toString(Math.max(1, Math.min(maxBytes, total / (4L * partitions)))));
        try {
            SparkPlan plan = parquet.select(select.toArray(new Column[0])).queryExecution().executedPlan();
            List<FileSourceScanExec> scans = new ArrayList<>();
            plan.foreach(node -> {
                if (node instanceof FileSourceScanExec s) {
                    scans.add(s);
                }
                return null;
            });
            if (scans.size() != 1 || !scans.get(0).supportsColumnar()) {
                return null;
            }
            FileSourceScanExec scan = scans.get(0);
            int[] order = order(scan.output(), columns);
            if (order == null) {
                return null;
            }
            RDD<ColumnarBatch> splits = scan.executeColumnar();
            Split[][] bySplit = splits(splits.partitions(), footers);
            if (bySplit == null) {
                return null;
            }
            long[] splitRows = new long[bySplit.length];
            for (int p = 0; p < bySplit.length; p++) {
                for (Split f : bySplit[p]) {
                    splitRows[p] += f.rows();
                }
            }
            BalancedGroups groups = new BalancedGroups(splitRows, Math.min(partitions, splitRows.length));
            Split[][] byGroup = new Split[groups.count()][];
            for (int g = 0; g < byGroup.length; g++) {
                List<Split> in = new ArrayList<>();
                for (int p : groups.members(g)) { // the order in which the coalesced partition reads them
                    in.addAll(List.of(bySplit[p]));
                }
                byGroup[g] = in.toArray(new Split[0]);
            }
            JavaRDD<ColumnarBatch> batches = splits.coalesce(groups.count(), false, Option.apply(groups), null)
                    .toJavaRDD().mapPartitionsWithIndex((g, in) -> new Numbered(in, order, byGroup[g]), false);
            return new Batches(batches, groups.rows());
        } finally {
            if (wasSet) {
                spark.conf().set(key, before);
            } else {
                spark.conf().unset(key);
            }
        }
    }

    /** A file range as a task reads it: the file, the row (0-based, in the file) it starts at, and its rows. */
    private record Split(String path, long firstRow, long rows) implements java.io.Serializable {
    }

    /** Each scan partition's file ranges in the order its task reads them; null if a file has no footer here. */
    private static Split[][] splits(Partition[] partitions, Map<String, ParquetFooters.Footer> footers) {
        Split[][] out = new Split[partitions.length][];
        for (int p = 0; p < partitions.length; p++) {
            if (!(partitions[p] instanceof FilePartition fp)) {
                return null;
            }
            PartitionedFile[] files = fp.files();
            out[p] = new Split[files.length];
            for (int i = 0; i < files.length; i++) {
                String path = ParquetFooters.metadataPath(files[i].toPath().toString());
                ParquetFooters.Footer footer = footers.get(path);
                if (footer == null) {
                    return null;
                }
                out[p][i] = new Split(path, footer.firstRowIn(files[i].start()),
                        footer.rowsIn(files[i].start(), files[i].length()));
            }
        }
        return out;
    }

    /** Where each wanted column sits among the scan's output, the file path last; null if one is missing. */
    private static int[] order(scala.collection.immutable.Seq<Attribute> output, List<String> columns) {
        int[] order = new int[columns.size() + 1];
        java.util.Arrays.fill(order, -1);
        for (int i = 0; i < output.size(); i++) {
            Attribute a = output.apply(i);
            if (a.metadata().contains(METADATA_FIELD)) {
                String field = a.metadata().getString(METADATA_FIELD);
                if (field.equals("file_path")) {
                    order[columns.size()] = i;
                }
                continue;
            }
            for (int wanted = 0; wanted < columns.size(); wanted++) { // a column may be asked for twice
                if (columns.get(wanted).equals(a.name()) && order[wanted] < 0) {
                    order[wanted] = i;
                }
            }
        }
        for (int o : order) {
            if (o < 0) {
                return null;
            }
        }
        return order;
    }

    /**
     * Each batch in turn, its columns put in the wanted order (no copy), with a column of the rows' numbers in their
     * file appended: the task's splits are walked as its batches come. Empty batches are skipped.
     */
    private static final class Numbered implements Iterator<ColumnarBatch> {
        private final Iterator<ColumnarBatch> batches;
        private final int[] order;
        private final Split[] splits;
        private final OnHeapColumnVector rowInFile = new OnHeapColumnVector(4096, DataTypes.LongType);
        private ColumnarBatch current;
        private int split = -1;
        /** Rows of the current split not yet read. */
        private long left;
        private long next;
        private UTF8String lastPath;
        private int lastSplit = -1;

        Numbered(Iterator<ColumnarBatch> batches, int[] order, Split[] splits) {
            this.batches = batches;
            this.order = order;
            this.splits = splits;
        }

        @Override
        public boolean hasNext() {
            while (current == null) {
                if (!batches.hasNext()) {
                    long missing = left;
                    String due = left > 0 ? splits[split].path() : null;
                    for (int s = split + 1; s < splits.length; s++) {
                        missing += splits[s].rows();
                        due = due == null && splits[s].rows() > 0 ? splits[s].path() : due;
                    }
                    if (missing > 0) {
                        throw new IllegalStateException("Spark's Parquet reader ended " + missing + " rows short of "
                                + "what the footers of this task's files hold (the first of them due from " + due + ")");
                    }
                    return false;
                }
                ColumnarBatch b = batches.next();
                int n = b.numRows();
                if (n == 0) {
                    continue;
                }
                while (left == 0) {
                    if (++split == splits.length) {
                        throw new IllegalStateException("Spark's Parquet reader gave more rows than the footers of "
                                + "this task's files hold");
                    }
                    left = splits[split].rows();
                    next = splits[split].firstRow();
                }
                ColumnVector[] vectors = new ColumnVector[order.length + 1];
                for (int i = 0; i < order.length; i++) {
                    vectors[i] = b.column(order[i]);
                }
                UTF8String path = vectors[order.length - 1].getUTF8String(0);
                if (path != lastPath || split != lastSplit) { // one path object for all the batches of a file
                    String file = ParquetFooters.metadataPath(path.toString());
                    if (!file.equals(splits[split].path())) {
                        throw new IllegalStateException("Spark's Parquet reader gave rows of " + file + " where "
                                + splits[split].rows() + " rows of " + splits[split].path() + " were due");
                    }
                    lastPath = path;
                    lastSplit = split;
                }
                if (n > left) {
                    throw new IllegalStateException("Spark's Parquet reader gave more rows of " + splits[split].path()
                            + " than its footer holds in the split");
                }
                rowInFile.reserve(n);
                for (int i = 0; i < n; i++) {
                    rowInFile.putLong(i, next + i);
                }
                next += n;
                left -= n;
                vectors[order.length] = rowInFile;
                current = new ColumnarBatch(vectors, n);
            }
            return true;
        }

        @Override
        public ColumnarBatch next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            ColumnarBatch b = current;
            current = null;
            return b;
        }
    }
}
