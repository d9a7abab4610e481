package org.sparkvi.io;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;

/**
 * One column chunk written as PLAIN-encoded version-1 data pages straight from primitive values, the bytes laid out
 * here instead of value by value through parquet-column's {@code ColumnWriter}: at 10⁷ assignments (12 values a row)
 * that writer's level encoders and per-value bookkeeping took most of the job's longest write.
 * <p>
 * Two shapes, which cover the tables written this way: a required primitive column (no levels; one value a row),
 * and a required list of required doubles ({@code required group (LIST) { repeated group list { required double
 * element; } }}: repetition and definition levels of width 1; K values a row, the same K for every row). Values come
 * a run of rows at a time ({@code write…Rows}; strings also a value at a time). A page ends at a row boundary once
 * it holds about {@link #PAGE_BYTES} of values, with its min/max statistics, as parquet-column's writer makes them;
 * the page writer compresses it and builds the column and offset indexes.
 * <p>
 * Page layout (format spec, "Data Pages"): for a list, the repetition levels, then the definition levels, each an
 * RLE/bit-packed hybrid run prefixed by its 4-byte little-endian length; then the values, little-endian (a binary
 * value: its 4-byte length, then its bytes). Repetition levels are one bit-packed run (0 opens a row's list, 1
 * continues it; padded to whole bytes); definition levels are one RLE run of 1s (every element present).
 */
public final class PlainColumn {
    /** Values per page before it is closed at the next row end: parquet-column's default page size. */
    static final int PAGE_BYTES = 1 << 20;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BIG_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final PageWriter pages;
    private final ColumnDescriptor column;
    private final boolean list;
    private byte[] values = new byte[PAGE_BYTES + (PAGE_BYTES >> 3)];
    private int size;
    private int valueCount;
    private int rowCount;
    /** The page's repetition levels of a list column, a bit a value (bit i of word i/64: LSB-first bytes). */
    private long[] repetition = new long[1024];
    private double minDouble;
    private double maxDouble;
    private long minLong;
    private long maxLong;
    private boolean sawNaN;
    private int minBinaryFrom = -1;
    private int minBinaryLength;
    private long minBinaryPrefix;
    private int maxBinaryFrom = -1;
    private int maxBinaryLength;
    private long maxBinaryPrefix;

    PlainColumn(PageWriter pages, ColumnDescriptor column) {
        this.pages = pages;
        this.column = column;
        this.list = column.getMaxRepetitionLevel() > 0;
        if (!(column.getMaxRepetitionLevel() == 0 && column.getMaxDefinitionLevel() == 0
                || list && column.getMaxRepetitionLevel() == 1 && column.getMaxDefinitionLevel() == 1)) {
            throw new IllegalArgumentException(column + ": neither a required column nor a required list of required values");
        }
        resetPage();
    }

    /** A binary (string) value: {@code len} bytes of {@code bytes} from {@code from}. */
    public void writeBinary(byte[] bytes, int from, int len) {
        requireFlat();
        putBinary(bytes, from, len);
        endRows(1, 1);
    }

    /**
     * Rows of a binary (string) column from values laid end to end: row i's bytes are {@code bytes[i == 0 ? 0 :
     * end[i - 1]]} up to {@code end[i]}, for i = from … from + rows − 1 (the layout of a block's ids).
     */
    public void writeBinaryRows(byte[] bytes, int[] end, int from, int rows) {
        requireFlat();
        for (int i = from, last = from + rows; i < last; ) {
            int first = i;
            do { // up to the first row end at or past PAGE_BYTES, as a value at a time
                int start = i == 0 ? 0 : end[i - 1];
                putBinary(bytes, start, end[i] - start);
                i++;
            } while (i < last && size < PAGE_BYTES);
            endRows(i - first, i - first);
        }
    }

    /** Appends one binary value (its length, then its bytes) and keeps the page's min and max. */
    private void putBinary(byte[] bytes, int from, int len) {
        room(4 + len);
        INTS.set(values, size, len);
        int at = size + 4;
        System.arraycopy(bytes, from, values, at, len);
        size = at + len;
        // min and max by unsigned lexicographic order (the order of a STRING column's statistics), kept as positions;
        // the first 8 bytes as an unsigned big-endian number, zero-padded, decide unless they are equal
        long prefix = prefix(values, at, len);
        if (minBinaryFrom < 0 || compareBinary(at, len, prefix, minBinaryFrom, minBinaryLength, minBinaryPrefix) < 0) {
            minBinaryFrom = at;
            minBinaryLength = len;
            minBinaryPrefix = prefix;
        }
        if (maxBinaryFrom < 0 || compareBinary(at, len, prefix, maxBinaryFrom, maxBinaryLength, maxBinaryPrefix) > 0) {
            maxBinaryFrom = at;
            maxBinaryLength = len;
            maxBinaryPrefix = prefix;
        }
    }

    /** The page's value at {@code at} against the one kept at {@code from}, in unsigned lexicographic order. */
    private int compareBinary(int at, int len, long prefix, int from, int length, long keptPrefix) {
        int byPrefix = Long.compareUnsigned(prefix, keptPrefix);
        return byPrefix != 0 ? byPrefix : Arrays.compareUnsigned(values, at, at + len, values, from, from + length);
    }

    /**
     * Bytes {@code at} … {@code at + 7} (those of them before {@code at + len}, zeros after) as an unsigned big-endian
     * number: two values' prefixes compare as the values do, or are equal (a zero byte and an end look alike).
     */
    static long prefix(byte[] b, int at, int len) {
        if (len >= 8) {
            return (long) BIG_LONGS.get(b, at);
        }
        long p = 0;
        for (int i = 0; i < 8; i++) {
            p = p << 8 | (i < len ? b[at + i] & 0xFF : 0);
        }
        return p;
    }

    /** Rows of a DOUBLE column: {@code v[from]} to {@code v[from + rows - 1]}, a value a row. */
    public void writeDoubleRows(double[] v, int from, int rows) {
        requireFlat();
        while (rows > 0) {
            int run = run(rows, 8);
            putDoubles(v, 0, from, run, 1);
            from += run;
            rows -= run;
            endRows(run, run);
        }
    }

    /** Rows of an INT64 column: {@code v[from]} to {@code v[from + rows - 1]}. */
    public void writeLongRows(long[] v, int from, int rows) {
        writeIntegerRows(v, null, from, rows);
    }

    /** Rows of an INT32 column: {@code v[from]} to {@code v[from + rows - 1]}. */
    public void writeIntRows(int[] v, int from, int rows) {
        writeIntegerRows(null, v, from, rows);
    }

    /** INT64 rows from {@code longs}, or INT32 rows from {@code ints}; min and max kept as longs. */
    private void writeIntegerRows(long[] longs, int[] ints, int from, int rows) {
        requireFlat();
        int bytes = longs != null ? 8 : 4;
        while (rows > 0) {
            int run = run(rows, bytes);
            long lo = minLong;
            long hi = maxLong;
            for (int i = from; i < from + run; i++) {
                long x;
                if (longs != null) {
                    x = longs[i];
                    LONGS.set(values, size, x);
                } else {
                    x = ints[i];
                    INTS.set(values, size, ints[i]);
                }
                size += bytes;
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            minLong = lo;
            maxLong = hi;
            from += run;
            rows -= run;
            endRows(run, run);
        }
    }

    /**
     * Rows of a list column, {@code k} doubles each, from a cluster-major block (as the E-step leaves its
     * responsibilities): row i's values are {@code v[c * stride + from + i]} for c = 0 … k−1.
     */
    public void writeListRows(double[] v, int stride, int from, int rows, int k) {
        if (!list) {
            throw new IllegalStateException(column + " is not a list column");
        }
        if (k < 1) {
            throw new IllegalArgumentException(column + ": an empty list is not written by PlainColumn");
        }
        while (rows > 0) {
            int run = run(rows, 8 * k);
            int first = valueCount;
            int words = (first + run * k + 63) >>> 6;
            if (words > repetition.length) {
                repetition = Arrays.copyOf(repetition, Math.max(words, 2 * repetition.length));
            }
            putDoubles(v, stride, from, run, k);
            // level 1 everywhere, then 0 at each row's first value
            setBits(first, first + run * k);
            for (int r = 0, at = first; r < run; r++, at += k) {
                repetition[at >>> 6] &= ~(1L << at);
            }
            from += run;
            rows -= run;
            endRows(run * k, run);
        }
    }

    /** Rows i = from … from + run − 1, each of the k values {@code v[c * stride + i]}, with the page's min, max and NaN. */
    private void putDoubles(double[] v, int stride, int from, int run, int k) {
        double lo = minDouble;
        double hi = maxDouble;
        boolean nan = false;
        for (int i = from; i < from + run; i++) {
            for (int c = 0; c < k; c++) {
                double x = v[c * stride + i];
                LONGS.set(values, size, Double.doubleToRawLongBits(x));
                size += 8;
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
                nan |= x != x;
            }
        }
        minDouble = lo;
        maxDouble = hi;
        sawNaN |= nan;
    }

    /**
     * How many of {@code rows} rows of {@code bytesPerRow} bytes go into the page before it is closed: up to the first
     * row end at or past {@link #PAGE_BYTES}, where a page closes when rows come one at a time; room made for them.
     */
    private int run(int rows, int bytesPerRow) {
        int run = Math.min(rows, Math.max(1, (PAGE_BYTES - size + bytesPerRow - 1) / bytesPerRow));
        room(run * bytesPerRow);
        return run;
    }

    private void setBits(int from, int to) {
        for (int w = from >>> 6; w <= (to - 1) >>> 6; w++) {
            long mask = -1L;
            if (w == from >>> 6) {
                mask &= -1L << from;
            }
            if (w == (to - 1) >>> 6) {
                mask &= -1L >>> (63 - ((to - 1) & 63));
            }
            repetition[w] |= mask;
        }
    }

    private void endRows(int values, int rows) {
        valueCount += values;
        rowCount += rows;
        if (size >= PAGE_BYTES) {
            try {
                flushPage();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Ends the row group: writes its last page, if that holds any row; the next row written starts a new page. */
    void endRowGroup() throws IOException {
        if (rowCount > 0) {
            flushPage();
        }
    }

    private void requireFlat() {
        if (list) {
            throw new IllegalStateException(column + " is a list column");
        }
    }

    private void room(int bytes) {
        if (size + bytes > values.length) {
            values = Arrays.copyOf(values, Math.max(size + bytes, 2 * values.length));
        }
    }

    private void flushPage() throws IOException {
        BytesInput data = BytesInput.from(values, 0, size);
        Encoding levels = Encoding.BIT_PACKED; // parquet-column's name for "no levels" (maximum level 0)
        if (list) {
            data = BytesInput.concat(withLength(bitPackedRun(repetition, valueCount)), withLength(onesRun(valueCount)), data);
            levels = Encoding.RLE;
        }
        // the page writer compresses (a copy) before it returns, so the buffers are reused for the next page
        pages.writePage(data, valueCount, rowCount, statistics(), levels, levels, Encoding.PLAIN);
        resetPage();
    }

    private Statistics<?> statistics() {
        Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
        switch (column.getPrimitiveType().getPrimitiveTypeName()) {
            case DOUBLE -> {
                if (sawNaN) { // the writer's own per-value rule, for the rare page that holds a NaN
                    for (int at = 0; at < size; at += 8) {
                        stats.updateStats(Double.longBitsToDouble((long) LONGS.get(values, at)));
                    }
                } else {
                    stats.updateStats(minDouble);
                    stats.updateStats(maxDouble);
                }
            }
            case INT64 -> {
                stats.updateStats(minLong);
                stats.updateStats(maxLong);
            }
            case INT32 -> {
                stats.updateStats((int) minLong);
                stats.updateStats((int) maxLong);
            }
            case BINARY -> {
                stats.updateStats(Binary.fromConstantByteArray(Arrays.copyOfRange(values, minBinaryFrom,
                        minBinaryFrom + minBinaryLength)));
                stats.updateStats(Binary.fromConstantByteArray(Arrays.copyOfRange(values, maxBinaryFrom,
                        maxBinaryFrom + maxBinaryLength)));
            }
            default -> throw new IllegalStateException(column + ": type not written by PlainColumn");
        }
        return stats;
    }

    private void resetPage() {
        size = 0;
        valueCount = 0;
        rowCount = 0;
        Arrays.fill(repetition, 0L);
        minDouble = Double.POSITIVE_INFINITY;
        maxDouble = Double.NEGATIVE_INFINITY;
        sawNaN = false;
        minLong = Long.MAX_VALUE;
        maxLong = Long.MIN_VALUE;
        minBinaryFrom = -1;
        maxBinaryFrom = -1;
    }

    /** {@code n} one-bit values as one bit-packed run: header varint(groups·2 + 1), then groups of 8 bits. */
    static byte[] bitPackedRun(long[] bits, int n) {
        int groups = (n + 7) >>> 3;
        byte[] header = varint(((long) groups << 1) | 1);
        byte[] out = Arrays.copyOf(header, header.length + groups);
        for (int g = 0; g < groups; g++) {
            out[header.length + g] = (byte) (bits[g >>> 3] >>> ((g & 7) << 3));
        }
        return out;
    }

    /** {@code n} ones (bit width 1) as one RLE run: header varint(n·2), then the value in one byte. */
    static byte[] onesRun(int n) {
        byte[] header = varint((long) n << 1);
        byte[] out = Arrays.copyOf(header, header.length + 1);
        out[header.length] = 1;
        return out;
    }

    private static BytesInput withLength(byte[] encoded) {
        byte[] length = new byte[4];
        INTS.set(length, 0, encoded.length);
        return BytesInput.concat(BytesInput.from(length), BytesInput.from(encoded));
    }

    /** ULEB128, as the hybrid encoding's run headers are written. */
    private static byte[] varint(long v) {
        byte[] out = new byte[10];
        int i = 0;
        while ((v & ~0x7FL) != 0) {
            out[i++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[i++] = (byte) v;
        return Arrays.copyOf(out, i);
    }
}
