package org.sparkvi.cavi;

import java.util.List;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.sparkvi.io.ColumnarParquetFile;

/**
 * The rows of one partition's assignments, event after event of its blocks, written straight into the Parquet
 * columns of {@link Assignments#SCHEMA}: the id from the block's UTF-8 bytes (no String per event), the catalogue
 * index, the most likely cluster, its probability, and every responsibility as a list of K doubles.
 */
final class AssignmentColumns implements ColumnarParquetFile.Rows {
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

    /** Rows come in order, so a cursor (block, event) replaces the row number. */
    @Override
    public void write(long row, ColumnWriter[] columns) {
        EventBlock b = blocks.get(block);
        while (n == b.size) {
            b = blocks.get(++block);
            n = 0;
        }
        responsibilities.of(b, n, r);
        int best = ClusterEvents.argmax(r);
        columns[0].write(id(b, n), 0, 0);
        columns[1].write(b.index[n], 0, 0);
        columns[2].write(best, 0, 0);
        columns[3].write(r[best], 0, 0);
        // repetition level 0 opens the row's list, 1 continues it; definition level 1: the element is present
        for (int c = 0; c < r.length; c++) {
            columns[4].write(r[c], c == 0 ? 0 : 1, 1);
        }
        n++;
    }

    /** The id's bytes as they sit in the block, or "#index" where the catalogue had none (as {@link EventBlock#idOf}). */
    private static Binary id(EventBlock b, int n) {
        return b.hasId(n) ? Binary.fromReusedByteArray(b.idBytes, b.idFrom(n), b.idEnd[n] - b.idFrom(n))
                : Binary.fromString(b.missingId(n));
    }
}
