package org.sparkvi.cavi;

import java.util.List;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.sparkvi.io.ColumnarParquetFile;
import org.sparkvi.io.PlainColumn;

/**
 * The rows of one partition's assignments, event after event of its blocks, written straight into the Parquet
 * columns of {@link Assignments#SCHEMA}: the id from the block's UTF-8 bytes (no String per event), the catalogue
 * index, the most likely cluster, its probability, and every responsibility as a list of K doubles.
 */
final class AssignmentColumns implements ColumnarParquetFile.PlainRows {
    /** {@link Assignments#SCHEMA} in Parquet's terms, the list in the standard three-level form Spark writes. */
    static final MessageType PARQUET_SCHEMA = MessageTypeParser.parseMessageType("message spark_schema {"
            + " required binary id (STRING); required int64 index; required int32 cluster; required double probability;"
            + " required group responsibilities (LIST) { repeated group list { required double element; } } }");

    private final List<EventBlock> blocks;
    private final BlockResponsibilities responsibilities;
    private final int k;
    private final int[] cluster;
    private final double[] probability;
    private int block;
    private int n;

    AssignmentColumns(List<EventBlock> blocks, ResponsibilityKernel kernel) {
        this.blocks = blocks;
        this.responsibilities = new BlockResponsibilities(kernel);
        this.k = kernel.k;
        int chunk = VectorEStep.AVAILABLE ? VectorEStep.chunkSize(kernel.k) : 1; // the most rows load() hands over
        this.cluster = new int[chunk];
        this.probability = new double[chunk];
    }

    static long rows(List<EventBlock> blocks) {
        long rows = 0;
        for (EventBlock b : blocks) {
            rows += b.size;
        }
        return rows;
    }

    /** About a row's encoded bytes: K + 2 doubles, a long, an int, an id of some 12 bytes, and their lengths. */
    static int bytesPerRow(int k) {
        return 8 * (k + 2) + 4 + 16;
    }

    /**
     * Row groups come in order, so a cursor (block, event) replaces the row number. Rows go a chunk of the E-step at
     * a time, every column as runs of rows: the ids as the block keeps them, end to end (a missing id, made up, on
     * its own), and the responsibilities where the E-step left them, cluster-major ({@link PlainColumn#writeListRows}).
     */
    @Override
    public void write(long from, long to, PlainColumn[] columns) {
        for (long row = from; row < to; ) {
            EventBlock b = blocks.get(block);
            while (n == b.size) {
                b = blocks.get(++block);
                n = 0;
            }
            int run = (int) Math.min(to - row, responsibilities.load(b, n));
            double[] v = responsibilities.values;
            int stride = responsibilities.stride;
            int at = responsibilities.offset;
            for (int i = 0; i < run; i++) {
                int best = ClusterEvents.argmax(v, stride, at + i, k);
                cluster[i] = best;
                probability[i] = v[best * stride + at + i];
            }
            writeIds(b, n, n + run, columns[0]);
            columns[1].writeLongRows(b.index, n, run);
            columns[2].writeIntRows(cluster, 0, run);
            columns[3].writeDoubleRows(probability, 0, run);
            columns[4].writeListRows(v, stride, at, run, k);
            n += run;
            row += run;
        }
    }

    /** The ids of events {@code from} … {@code to − 1} of block b: runs of ids at once, a missing one made up. */
    private static void writeIds(EventBlock b, int from, int to, PlainColumn ids) {
        for (int e = from; e < to; ) {
            if (b.hasId(e)) {
                int run = e + 1;
                while (run < to && b.hasId(run)) {
                    run++;
                }
                ids.writeBinaryRows(b.idBytes, b.idEnd, e, run - e);
                e = run;
            } else {
                byte[] missing = b.missingId(e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ids.writeBinary(missing, 0, missing.length);
                e++;
            }
        }
    }
}
