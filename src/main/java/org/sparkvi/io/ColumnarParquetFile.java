package org.sparkvi.io;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.factory.DefaultV1ValuesWriterFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file written for tables whose rows already sit in columns, with no row objects and no record-consumer
 * bookkeeping per field: either value by value into its columns' writers (parquet-column's {@link ColumnWriteStore},
 * the layer under parquet-hadoop's record writer; any schema), or as pages laid out by {@link PlainColumn} (required
 * columns and lists of doubles; for large tables; compressed and held by {@link BufferedColumnChunk}, which allocates a
 * file's buffers once). Snappy pages, PLAIN encoding (no dictionary: the tables written this way are unique ids and
 * probabilities), statistics, checksums and page indexes kept. The file is written under a hidden temporary name beside
 * the target and renamed onto it when complete, so a task retried by Spark replaces its own earlier attempt and a
 * reader never sees half a file; on the local file system no {@code .crc} file is written beside it, and the bytes go
 * past the page cache where the file system allows ({@link DirectFileOutput}).
 */
public final class ColumnarParquetFile {
    /** Writes row {@code row} of the source: one {@code write} per column (repeated columns: one per element). */
    @FunctionalInterface
    public interface Rows {
        void write(long row, ColumnWriter[] columns);
    }

    private static final long ROW_GROUP_BYTES = 64L << 20;
    /**
     * The Hadoop setting ({@code spark.hadoop.sparkvi.io.direct false} in Spark's properties) that writes local files
     * through the page cache instead of {@link DirectFileOutput}: for a disk slower than the writer (direct writes
     * wait for it).
     */
    public static final String DIRECT_WRITES = "sparkvi.io.direct";
    /**
     * No dictionary: the tables written this way are unique ids and probabilities. The values-writer factory (version
     * 1 pages, as the default writer version makes) is our own instance: parquet-column's default factories are shared
     * instances that every {@code ParquetProperties} built in the JVM re-initialises with its own settings (Spark's
     * writer turned the dictionary back on for the next file written here).
     */
    private static final ParquetProperties PROPERTIES = ParquetProperties.builder().withDictionaryEncoding(false)
            .withValuesWriterFactory(new DefaultV1ValuesWriterFactory()).build();

    private ColumnarParquetFile() {
    }

    /**
     * Writes {@code rows} rows to {@code target}, in row groups of about 64 MB ({@code bytesPerRow}, an estimate of
     * a row's encoded size, sets how many rows a group holds), with {@code footer} as the file's key-value metadata.
     */
    public static void write(Configuration conf, Path target, MessageType schema, java.util.Map<String, String> footer,
                             long rows, int bytesPerRow, Rows source) throws IOException {
        CodecFactory codecs = new CodecFactory(conf, PROPERTIES.getPageSizeThreshold());
        try {
            write(conf, target, schema, footer, rows, bytesPerRow, (file, from, to) -> {
                ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(
                        codecs.getCompressor(CompressionCodecName.SNAPPY), schema, HeapByteBufferAllocator.getInstance(),
                        PROPERTIES.getColumnIndexTruncateLength(), PROPERTIES.getPageWriteChecksumEnabled());
                ColumnWriteStore store = PROPERTIES.newColumnWriteStore(schema, pages, pages);
                List<ColumnDescriptor> descriptors = schema.getColumns();
                ColumnWriter[] columns = new ColumnWriter[descriptors.size()];
                for (int c = 0; c < columns.length; c++) {
                    columns[c] = store.getColumnWriter(descriptors.get(c));
                }
                for (long row = from; row < to; row++) {
                    source.write(row, columns);
                    store.endRecord();
                }
                store.close(); // flushes the last pages into the page store
                file.startBlock(to - from);
                pages.flushToFileWriter(file);
                file.endBlock();
                pages.close();
            });
        } finally {
            codecs.release();
        }
    }

    /** Writes rows {@code from} (inclusive) to {@code to} (exclusive) of the source, each column's rows in order. */
    @FunctionalInterface
    public interface PlainRows {
        void write(long from, long to, PlainColumn[] columns);
    }

    /**
     * As {@link #write(Configuration, Path, MessageType, java.util.Map, long, int, Rows)}, the pages laid out by
     * {@link PlainColumn} (required columns and required lists of required doubles only).
     */
    public static void writePlain(Configuration conf, Path target, MessageType schema, java.util.Map<String, String> footer,
                                  long rows, int bytesPerRow, PlainRows source) throws IOException {
        List<ColumnDescriptor> descriptors = schema.getColumns();
        BufferedColumnChunk[] chunks = new BufferedColumnChunk[descriptors.size()];
        PlainColumn[] columns = new PlainColumn[descriptors.size()];
        for (int c = 0; c < columns.length; c++) {
            chunks[c] = new BufferedColumnChunk(descriptors.get(c));
            columns[c] = new PlainColumn(chunks[c], descriptors.get(c));
        }
        write(conf, target, schema, footer, rows, bytesPerRow, (file, from, to) -> {
            source.write(from, to, columns);
            for (PlainColumn c : columns) {
                c.endRowGroup();
            }
            file.startBlock(to - from);
            for (BufferedColumnChunk c : chunks) {
                c.writeTo(file);
            }
            file.endBlock();
        });
    }

    /** Writes rows {@code from} to {@code to} into {@code file} as one row group (startBlock to endBlock). */
    @FunctionalInterface
    private interface RowGroup {
        void write(ParquetFileWriter file, long from, long to) throws IOException;
    }

    private static void write(Configuration conf, Path target, MessageType schema, java.util.Map<String, String> footer,
                              long rows, int bytesPerRow, RowGroup group) throws IOException {
        FileSystem fs = FileSystems.withoutChecksums(target, conf);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + java.util.UUID.randomUUID());
        ParquetFileWriter file = null;
        try {
            file = new ParquetFileWriter(outputFile(fs, tmp, conf.getBoolean(DIRECT_WRITES, true)), schema,
                    ParquetFileWriter.Mode.CREATE, ROW_GROUP_BYTES, 0);
            file.start();
            long groupRows = Math.max(1, ROW_GROUP_BYTES / Math.max(1, bytesPerRow));
            for (long from = 0; from < rows; from += groupRows) {
                long to = Math.min(rows, from + groupRows);
                group.write(file, from, to);
            }
            file.end(new HashMap<>(footer));
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                try {
                    file.close(); // the stream, and a direct file's writer thread; ParquetFileWriter writes no footer
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            fs.delete(tmp, false);
            throw e;
        }
    }

    /** The {@code _SUCCESS} file Spark's own writer leaves in a table's folder, for tools that wait on it. */
    public static void markTableComplete(Configuration conf, Path folder) throws IOException {
        FileSystems.withoutChecksums(folder, conf).create(new Path(folder, "_SUCCESS"), true).close();
    }

    /**
     * The file at {@code path}: on the local file system written past the page cache ({@link DirectFileOutput})
     * unless {@code direct} is false or the file system refuses direct I/O, elsewhere through Hadoop's stream.
     */
    private static OutputFile outputFile(FileSystem fs, Path path, boolean direct) {
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                if (direct && fs instanceof RawLocalFileSystem local) {
                    fs.mkdirs(path.getParent());
                    DirectFileOutput out = DirectFileOutput.create(local.pathToFile(path).toPath());
                    if (out != null) {
                        return out;
                    }
                }
                return HadoopStreams.wrap(fs.create(path, false));
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return HadoopStreams.wrap(fs.create(path, true));
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }

            @Override
            public String getPath() {
                return path.toString();
            }
        };
    }
}
