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
    private final double[] r;
    private int block;
    private int n;

    AssignmentColumns(List<EventBlock> blocks, ResponsibilityKernel kernel) {
        this.blocks = blocks;
        this.responsibilities = new BlockResponsibilities(kernel);
        this.r = new double[kernel.k];
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

    /** Row groups come in order, so a cursor (block, event) replaces the row number. */
    @Override
    public void write(long from, long to, PlainColumn[] columns) {
        for (long row = from; row < to; row++) {
            EventBlock b = blocks.get(block);
            while (n == b.size) {
                b = blocks.get(++block);
                n = 0;
            }
            responsibilities.of(b, n, r);
            int best = ClusterEvents.argmax(r);
            if (b.hasId(n)) {
                columns[0].writeBinary(b.idBytes, b.idFrom(n), b.idEnd[n] - b.idFrom(n));
            } else {
                byte[] missing = b.missingId(n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                columns[0].writeBinary(missing, 0, missing.length);
            }
            columns[1].writeLong(b.index[n]);
            columns[2].writeInt(best);
            columns[3].writeDouble(r[best]);
            columns[4].writeDoubles(r, 0, r.length);
            n++;
        }
    }
}
