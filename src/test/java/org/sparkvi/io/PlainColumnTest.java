package org.sparkvi.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;

/**
 * Pages laid out by {@link PlainColumn} against the same rows written value by value through parquet-column's own
 * writer: Spark reads the same rows from both; each row group's column chunks have the same values, row counts and
 * statistics; the column and offset indexes are there, with several pages in the chunks of more than a megabyte; and Spark's filters, which
 * skip row groups and pages by those statistics, count what the rows hold. The rows cover several pages and row
 * groups, empty and multi-byte strings, negative numbers, −0.0, infinities, NaN in a flat and in a list column, and
 * lists of K values; the plain file's values are written in runs of 1 to 700 rows ({@code write…Rows}), the lists'
 * read cluster-major as the E-step leaves them. The plain file written past the page cache ({@link DirectFileOutput},
 * the default) has the same bytes as written through it.
 */
class PlainColumnTest {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message spark_schema {"
            + " required binary id (STRING); required int64 index; required int32 cluster; required double probability;"
            + " required group values (LIST) { repeated group list { required double element; } } }");
    private static final int ROWS = 300_000;
    /** Values in each row's list: 5 puts rows across the words of the repetition levels. */
    private static final int K = 5;
    /** About 100,000 rows a row group: three groups. */
    private static final int BYTES_PER_ROW = (int) ((64L << 20) / 100_000);

    @TempDir
    java.nio.file.Path dir;

    private record Table(byte[][] ids, long[] index, int[] cluster, double[] probability, double[][] values) {
    }

    @Test
    void plainPagesHoldWhatTheValueWriterWritesWithTheSameStatistics() throws Exception {
        Table t = table(new Random(5));
        Configuration conf = new Configuration();
        Map<String, String> footer = Map.of();
        // what Spark's own writer does for a file of its own, after this project's writer is set up: parquet-column's
        // shared default values-writer factories then turn dictionary encoding on for whoever uses them next
        Class.forName(ColumnarParquetFile.class.getName(), true, ColumnarParquetFile.class.getClassLoader());
        org.apache.parquet.column.ParquetProperties.builder().withDictionaryEncoding(true).build();
        org.apache.hadoop.fs.Path byValue = new org.apache.hadoop.fs.Path(dir.resolve("by-value.parquet").toString());
        org.apache.hadoop.fs.Path plain = new org.apache.hadoop.fs.Path(dir.resolve("plain.parquet").toString());
        ColumnarParquetFile.write(conf, byValue, SCHEMA, footer, ROWS, BYTES_PER_ROW, (row, columns) -> {
            int r = (int) row;
            columns[0].write(Binary.fromConstantByteArray(t.ids[r]), 0, 0);
            columns[1].write(t.index[r], 0, 0);
            columns[2].write(t.cluster[r], 0, 0);
            columns[3].write(t.probability[r], 0, 0);
            for (int i = 0; i < t.values[r].length; i++) {
                columns[4].write(t.values[r][i], i == 0 ? 0 : 1, 1);
            }
        });
        // runs of 1 to 700 rows, across page ends; the lists' values cluster-major, as the E-step leaves them
        double[] clusterMajor = new double[K * ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < K; c++) {
                clusterMajor[c * ROWS + r] = t.values[r][c];
            }
        }
        ColumnarParquetFile.writePlain(conf, plain, SCHEMA, footer, ROWS, BYTES_PER_ROW, inRuns(t, clusterMajor));
        // the same file through the page cache as through direct writes (the default on the local file system)
        Configuration buffered = new Configuration(conf);
        buffered.setBoolean(ColumnarParquetFile.DIRECT_WRITES, false);
        java.nio.file.Path throughCache = dir.resolve("plain-through-the-page-cache.parquet");
        ColumnarParquetFile.writePlain(buffered, new org.apache.hadoop.fs.Path(throughCache.toString()), SCHEMA, footer,
                ROWS, BYTES_PER_ROW, inRuns(t, clusterMajor));
        org.junit.jupiter.api.Assertions.assertArrayEquals(java.nio.file.Files.readAllBytes(throughCache),
                java.nio.file.Files.readAllBytes(dir.resolve("plain.parquet")), "direct and buffered writes");

        try (ParquetFileReader expected = ParquetFileReader.open(HadoopInputFile.fromPath(byValue, conf));
             ParquetFileReader got = ParquetFileReader.open(HadoopInputFile.fromPath(plain, conf))) {
            List<BlockMetaData> e = expected.getFooter().getBlocks();
            List<BlockMetaData> g = got.getFooter().getBlocks();
            assertEquals(3, g.size(), "row groups");
            int[] indexedChunks = new int[SCHEMA.getColumns().size()];
            assertEquals(e.size(), g.size());
            for (int b = 0; b < g.size(); b++) {
                assertEquals(e.get(b).getRowCount(), g.get(b).getRowCount());
                for (int c = 0; c < SCHEMA.getColumns().size(); c++) {
                    ColumnChunkMetaData ec = e.get(b).getColumns().get(c);
                    ColumnChunkMetaData gc = g.get(b).getColumns().get(c);
                    String where = "row group " + b + ", column " + gc.getPath();
                    assertEquals(ec.getValueCount(), gc.getValueCount(), where);
                    assertEquals(ec.getStatistics(), gc.getStatistics(), where);
                    assertEquals(ec.getEncodings(), gc.getEncodings(), where);
                    OffsetIndex pages = got.readOffsetIndex(gc);
                    assertTrue(pages.getPageCount() > (c == 0 || c == 4 ? 1 : 0), where + ": " + pages.getPageCount() + " pages");
                    assertEquals(g.get(b).getRowCount(), pages.getLastRowIndex(pages.getPageCount() - 1,
                            g.get(b).getRowCount()) + 1, where);
                    // a chunk holding NaN has no column index, from either writer
                    boolean indexed = got.readColumnIndex(gc) != null;
                    assertEquals(expected.readColumnIndex(ec) != null, indexed, where + ": column index");
                    indexedChunks[c] += indexed ? 1 : 0;
                }
            }
            assertEquals(List.of(3, 3, 3, 2, 2), java.util.Arrays.stream(indexedChunks).boxed().toList(),
                    "chunks with a column index, per column");
        }

        SparkSession spark = TestSpark.get();
        Dataset<Row> e = spark.read().parquet(byValue.toString());
        Dataset<Row> g = spark.read().parquet(plain.toString());
        assertEquals(ROWS, g.count());
        assertEquals(0, e.exceptAll(g).count(), "rows of the value writer's file missing from the plain pages' file");
        assertEquals(0, g.exceptAll(e).count(), "rows of the plain pages' file missing from the value writer's file");
        // filters Spark pushes into the reader (row groups and pages skipped by their min and max)
        long lowIndex = t.index[ROWS / 2];
        String lowId = new String(t.ids[ROWS / 3], StandardCharsets.UTF_8);
        Column[] filters = {col("index").lt(lowIndex), col("cluster").equalTo(3), col("probability").gt(0.75),
            col("id").leq(lowId), element_at(col("values"), 1).gt(0.5)};
        long[] truth = {count(t, r -> t.index[r] < lowIndex), count(t, r -> t.cluster[r] == 3),
            count(t, r -> t.probability[r] > 0.75 || Double.isNaN(t.probability[r])), count(t, r -> compareUtf8(t.ids[r], t.ids[ROWS / 3]) <= 0),
            count(t, r -> t.values[r][0] > 0.5 || Double.isNaN(t.values[r][0]))};
        for (int f = 0; f < filters.length; f++) {
            assertEquals(truth[f], g.where(filters[f]).count(), "filter " + filters[f]);
        }
    }

    /** Spark orders strings as unsigned bytes and NaN above every double (the truth the filters are held to). */
    private static int compareUtf8(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    private static long count(Table t, java.util.function.IntPredicate p) {
        long n = 0;
        for (int r = 0; r < ROWS; r++) {
            n += p.test(r) ? 1 : 0;
        }
        return n;
    }

    /** The values end to end, value i ending at {@code end[i]}, as a block keeps its ids. */
    private static byte[] endToEnd(byte[][] values, int[] end) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < values.length; i++) {
            out.writeBytes(values[i]);
            end[i] = out.size();
        }
        return out.toByteArray();
    }

    /** Rows r … r + run − 1 of a binary column, as one run ({@code writeBinaryRows}) or a value at a time. */
    private static void writeIds(PlainColumn column, byte[][] ids, byte[] idBytes, int[] idEnd, int r, int run, Random how) {
        if (how.nextBoolean()) {
            column.writeBinaryRows(idBytes, idEnd, r, run);
        } else {
            for (int i = r; i < r + run; i++) {
                column.writeBinary(ids[i], 0, ids[i].length);
            }
        }
    }

    /**
     * A binary column's page statistics against parquet-column's on values built to share prefixes: zero bytes
     * against ends ("a" and "a\0"), the same first 8 bytes with different tails, bytes above 0x7F (unsigned order),
     * lengths 0 to 12; 400 rows a row group, so 50 chunks each with statistics of its own.
     */
    @Test
    void binaryStatisticsOfValuesThatShareTheirFirstBytes() throws Exception {
        MessageType schema = MessageTypeParser.parseMessageType("message m { required binary id (STRING); }");
        int rows = 20_000;
        byte[] alphabet = {0x00, 0x01, 0x61, 0x7F, (byte) 0x80, (byte) 0xFF};
        Random rnd = new Random(17);
        byte[][] ids = new byte[rows][];
        for (int r = 0; r < rows; r++) {
            // a common stem of 0 to 9 bytes, so that many values agree on their first 8 bytes
            int stem = rnd.nextInt(10);
            ids[r] = new byte[stem + rnd.nextInt(4)];
            for (int i = 0; i < ids[r].length; i++) {
                ids[r][i] = i < stem ? (byte) 0x61 : alphabet[rnd.nextInt(alphabet.length)];
            }
        }
        int[] end = new int[rows];
        byte[] bytes = endToEnd(ids, end);
        Configuration conf = new Configuration();
        int bytesPerRow = (int) ((64L << 20) / 400);
        org.apache.hadoop.fs.Path byValue = new org.apache.hadoop.fs.Path(dir.resolve("ids-by-value.parquet").toString());
        org.apache.hadoop.fs.Path plain = new org.apache.hadoop.fs.Path(dir.resolve("ids-plain.parquet").toString());
        ColumnarParquetFile.write(conf, byValue, schema, Map.of(), rows, bytesPerRow,
                (row, columns) -> columns[0].write(Binary.fromConstantByteArray(ids[(int) row]), 0, 0));
        Random how = new Random(5);
        ColumnarParquetFile.writePlain(conf, plain, schema, Map.of(), rows, bytesPerRow, (from, to, columns) -> {
            for (int r = (int) from; r < to; ) {
                int run = (int) Math.min(to - r, 1 + how.nextInt(60));
                writeIds(columns[0], ids, bytes, end, r, run, how);
                r += run;
            }
        });
        try (ParquetFileReader expected = ParquetFileReader.open(HadoopInputFile.fromPath(byValue, conf));
             ParquetFileReader got = ParquetFileReader.open(HadoopInputFile.fromPath(plain, conf))) {
            List<BlockMetaData> e = expected.getFooter().getBlocks();
            List<BlockMetaData> g = got.getFooter().getBlocks();
            assertEquals(50, g.size(), "row groups");
            for (int b = 0; b < g.size(); b++) {
                assertEquals(e.get(b).getColumns().get(0).getStatistics(), g.get(b).getColumns().get(0).getStatistics(),
                        "row group " + b);
            }
        }
    }

    /** The rows in runs of 1 to 700 (the same runs each time), across page ends. */
    private static ColumnarParquetFile.PlainRows inRuns(Table t, double[] clusterMajor) {
        Random runs = new Random(3);
        int[] idEnd = new int[ROWS];
        byte[] idBytes = endToEnd(t.ids, idEnd);
        return (from, to, columns) -> {
            for (int r = (int) from; r < to; ) {
                int run = (int) Math.min(to - r, 1 + runs.nextInt(700));
                writeIds(columns[0], t.ids, idBytes, idEnd, r, run, runs);
                columns[1].writeLongRows(t.index, r, run);
                columns[2].writeIntRows(t.cluster, r, run);
                columns[3].writeDoubleRows(t.probability, r, run);
                columns[4].writeListRows(clusterMajor, ROWS, r, run, K);
                r += run;
            }
        };
    }

    private static Table table(Random rnd) {
        byte[][] ids = new byte[ROWS][];
        long[] index = new long[ROWS];
        int[] cluster = new int[ROWS];
        double[] probability = new double[ROWS];
        double[][] values = new double[ROWS][];
        String[] stems = {"", "us", "séisme", "地震", "ak"};
        double[] specials = {-0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int r = 0; r < ROWS; r++) {
            String stem = stems[rnd.nextInt(stems.length)];
            ids[r] = (r % 1000 == 7 ? "" : stem + rnd.nextInt(1 << (1 + rnd.nextInt(30)))).getBytes(StandardCharsets.UTF_8);
            index[r] = rnd.nextLong() >> rnd.nextInt(64);
            cluster[r] = rnd.nextInt(20) - 4;
            // NaN only in one row group of each double column: the others keep a column index
            probability[r] = r > 250_000 && r % 9_973 == 0 ? Double.NaN
                    : r % 7_919 == 0 ? specials[rnd.nextInt(specials.length)] : rnd.nextDouble() * 2 - 0.5;
            values[r] = new double[K];
            for (int i = 0; i < values[r].length; i++) {
                values[r][i] = r > 100_000 && r < 200_000 && r % 10_007 == 0 && i == 0 ? Double.NaN : rnd.nextGaussian();
            }
        }
        return new Table(ids, index, cluster, probability, values);
    }
}
