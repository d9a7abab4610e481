package org.sparkvi.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * One column's version-1 data pages for the row group being written, Snappy-compressed into slabs that the next row
 * group reuses, and handed to the file writer page by page when the row group ends ({@link #writeTo}), which adds
 * the headers, checksums, statistics and column and offset indexes.
 * <p>
 * This replaces parquet-hadoop's page store for {@link PlainColumn}'s large tables. That store allocates every page
 * several times over (a copy for its checksum, one out of the compressor's stream, one into its collector, a stream
 * buffer per page) and keeps a row group's compressed pages in fresh buffers: at 10⁷ assignments, 2.3 GB allocated to
 * write 0.8 GB, whose young collections copied the live row groups into fresh old-generation memory. Here a file's
 * writing allocates its slabs once; pages are compressed with snappy-java (Spark's own Snappy; Parquet's SNAPPY
 * codec is the raw block format it writes) from one reused buffer. (Leaving the probabilities uncompressed, which
 * Snappy shrinks by 0–2%, measured no different: Snappy gives up quickly on bytes it cannot shrink.)
 */
final class BufferedColumnChunk implements PageWriter {
    /** Slab size: several compressed pages of {@link PlainColumn#PAGE_BYTES}; a larger page gets a slab of its own. */
    private static final int SLAB_BYTES = 4 << 20;

    private record Page(int slab, int offset, int compressedSize, int uncompressedSize, int valueCount, int rowCount,
                        Statistics<?> statistics, Encoding repetition, Encoding definition, Encoding values) {
    }

    private final ColumnDescriptor column;
    private final List<byte[]> slabs = new ArrayList<>();
    private final List<Page> pages = new ArrayList<>();
    private byte[] uncompressed = new byte[0];
    private int filled;
    private final java.io.OutputStream gather = new java.io.OutputStream() {
        @Override
        public void write(int b) {
            uncompressed[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, uncompressed, filled, len);
            filled += len;
        }
    };
    private int slab;
    private int slabUsed;
    private long valueCount;

    BufferedColumnChunk(ColumnDescriptor column) {
        this.column = column;
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                          Encoding repetition, Encoding definition, Encoding values) throws IOException {
        int size = Math.toIntExact(bytes.size());
        if (uncompressed.length < size) {
            uncompressed = new byte[size + (size >> 3)];
        }
        filled = 0;
        bytes.writeAllTo(gather); // the page's parts (levels, values) side by side, without an array per page
        byte[] target = room(Snappy.maxCompressedLength(size)); // moves slabUsed to a fresh slab when this one is full
        int compressed = Snappy.compress(uncompressed, 0, size, target, slabUsed);
        pages.add(new Page(slab, slabUsed, compressed, size, valueCount, rowCount, statistics, repetition, definition,
                values));
        slabUsed += compressed;
        this.valueCount += valueCount;
    }

    /** The slab the next page goes into, with at least {@code bytes} free from {@link #slabUsed}. */
    private byte[] room(int bytes) {
        if (slab < slabs.size() && slabUsed + bytes <= slabs.get(slab).length) {
            return slabs.get(slab);
        }
        if (slabUsed > 0) {
            slab++;
            slabUsed = 0;
        }
        if (slab == slabs.size()) {
            slabs.add(new byte[Math.max(SLAB_BYTES, bytes)]);
        } else if (slabs.get(slab).length < bytes) { // holds no page of this row group: replaced by a larger one
            slabs.set(slab, new byte[Math.max(SLAB_BYTES, bytes)]);
        }
        return slabs.get(slab);
    }

    /** Writes this row group's column chunk into {@code file} (between its startBlock and endBlock) and starts afresh. */
    void writeTo(ParquetFileWriter file) throws IOException {
        file.startColumn(column, valueCount, CompressionCodecName.SNAPPY);
        for (Page p : pages) {
            file.writeDataPage(p.valueCount(), p.uncompressedSize(),
                    BytesInput.from(slabs.get(p.slab()), p.offset(), p.compressedSize()), p.statistics(), p.rowCount(),
                    p.repetition(), p.definition(), p.values());
        }
        file.endColumn();
        pages.clear();
        slab = 0;
        slabUsed = 0;
        valueCount = 0;
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics, Encoding repetition,
                          Encoding definition, Encoding values) {
        throw new UnsupportedOperationException("pages carry their row count");
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels,
                            BytesInput definitionLevels, Encoding dataEncoding, BytesInput data, Statistics<?> statistics) {
        throw new UnsupportedOperationException("version-1 data pages only");
    }

    @Override
    public void writeDictionaryPage(DictionaryPage dictionaryPage) {
        throw new UnsupportedOperationException("PLAIN encoding only");
    }

    @Override
    public long getMemSize() {
        return slabs.stream().mapToLong(s -> s.length).sum();
    }

    @Override
    public long allocatedSize() {
        return getMemSize();
    }

    @Override
    public String memUsageString(String prefix) {
        return prefix + " " + column + ": " + pages.size() + " pages in " + slabs.size() + " slabs";
    }
}
