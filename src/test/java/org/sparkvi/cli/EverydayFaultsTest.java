package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;

/**
 * Everyday faults, through the real command line of both {@code cavi} and {@code convert}: a truncated Parquet
 * file, a stray README.txt in a Parquet folder, Parquet with damaged pages, the wrong --format, an --output that
 * cannot be written. Each is exit code 2 and one line on stderr naming the file and what is wrong; no stack trace.
 */
class EverydayFaultsTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
            .add("longitude", DataTypes.DoubleType).add("depth", DataTypes.DoubleType).add("mag", DataTypes.DoubleType);

    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
    }

    /** A Parquet folder of one file of n events; returns the folder. */
    static Path parquet(String name, int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create("e" + i, 35.0 + (i % 7) * 0.3, -120.0 + (i % 5) * 0.4, 10.0 + i % 3, 2.0 + (i % 4) * 0.5));
        }
        Path folder = dir.resolve(name);
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(folder.toString());
        return folder;
    }

    /** The folder's one data file; its .crc checksum is removed, as a copy made without Hadoop would not have one. */
    static Path partFile(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            for (Path crc : s.filter(p -> p.getFileName().toString().endsWith(".crc")).toList()) {
                Files.delete(crc);
            }
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
    }

    /** {@link Cli#run}, under the name the tests here use. */
    static Cli.Outcome run(String... args) {
        return Cli.run(args);
    }

    /** Runs cavi and convert on input (with more options) and checks: exit 2, one line, the expected line, no output. */
    static void assertOneLine(Path input, String expected, String... more) {
        for (String command : List.of("cavi", "convert")) {
            Path out = dir.resolve("out-" + command + "-" + input.getFileName());
            List<String> args = new ArrayList<>(List.of(command, "--input", input.toString(), "--output", out.toString()));
            args.addAll(Arrays.asList(more));
            Cli.Outcome o = run(args.toArray(new String[0]));
            assertEquals(2, o.code(), command + ": " + o.err());
            assertEquals(1, o.err().lines().count(), command + ": one line on stderr: " + o.err());
            assertEquals(expected, o.err().strip(), command);
            assertFalse(o.err().contains("\tat "), "no stack trace");
            assertFalse(Files.exists(out), "nothing written by " + command);
        }
    }

    @Test
    void aTruncatedParquetFileIsNamed() throws Exception {
        Path folder = parquet("truncated.parquet", 500);
        Path part = partFile(folder);
        byte[] bytes = Files.readAllBytes(part);
        Files.write(part, Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLine(folder, "sparkvi: error: " + part + " is not a complete Parquet file: it does not end with a "
                + "Parquet footer (truncated by an interrupted copy or write?)");
        // named the same way when the file itself is the input
        assertOneLine(part, "sparkvi: error: " + part + " is not a complete Parquet file: it does not end with a "
                + "Parquet footer (truncated by an interrupted copy or write?)");
    }

    @Test
    void aStrayReadmeBesideTheParquetDataIsNamed() throws Exception {
        Path folder = parquet("stray.parquet", 50);
        Path readme = folder.resolve("README.txt");
        Files.writeString(readme, "events of the week, from ComCat\n");
        assertOneLine(folder, "sparkvi: error: " + readme + " is not a Parquet file: a Parquet catalogue "
                + "folder must hold only Parquet files (names starting with _ or . are skipped)");
    }

    @Test
    void anEmptyFileBesideTheParquetDataIsNamedWithItsSize() throws Exception {
        Path folder = parquet("empty-file.parquet", 50);
        Path empty = folder.resolve("notes");
        Files.writeString(empty, "");
        assertOneLine(folder, "sparkvi: error: " + empty + " is not a Parquet file (only 0 bytes): a Parquet catalogue "
                + "folder must hold only Parquet files (names starting with _ or . are skipped)");
    }

    @Test
    void damagedPagesInAParquetFileAreNamed() throws Exception {
        Path folder = parquet("damaged.parquet", 2000);
        Path part = partFile(folder);
        byte[] b = Files.readAllBytes(part);
        int footer = ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        for (int i = 4; i < b.length - 8 - footer; i++) { // every page, the footer kept: Spark's tasks fail reading it
            b[i] = (byte) (b[i] * 7 + 13);
        }
        Files.write(part, b);
        for (String command : List.of("cavi", "convert")) {
            Cli.Outcome o = run(command, "--input", folder.toString(), "--output", dir.resolve("damaged-" + command).toString());
            assertEquals(2, o.code(), o.err());
            assertEquals(1, o.err().lines().count(), o.err());
            assertTrue(o.err().startsWith("sparkvi: error: cannot read " + part + ": "), o.err());
        }
    }

    @Test
    void geoJsonFormatOnACsvFileIsNamed() throws Exception {
        Path csv = dir.resolve("week.csv");
        Files.writeString(csv, "time,latitude,longitude,mag\n2018-02-07T01:26:13.840Z,34.4945,-118.6671667,2\n");
        assertOneLine(csv, "sparkvi: error: " + csv + " is not GeoJSON: it is not valid JSON; it looks like CSV: use --format csv",
                "--format", "geojson");
    }

    @Test
    void csvFormatOnAParquetFileIsNamed() throws Exception {
        Path folder = parquet("as-csv.parquet", 50);
        assertOneLine(folder, "sparkvi: error: " + partFile(folder) + " is not CSV text: it holds binary data; it looks "
                + "like Parquet: use --format parquet", "--format", "csv");
    }

    @Test
    void parquetFormatOnACsvFileIsNamed() throws Exception {
        Path csv = dir.resolve("events.txt");
        Files.writeString(csv, "time,latitude,longitude,mag\n2018-02-07T01:26:13.840Z,34.4945,-118.6671667,2\n");
        assertOneLine(csv, "sparkvi: error: " + csv + " is not a Parquet file; it looks like CSV: use --format csv");
    }

    @Test
    void anOutputThatCannotBeWrittenIsNamed() throws Exception {
        Path input = parquet("good.parquet", 50);
        for (String command : List.of("cavi", "convert")) {
            Cli.Outcome o = run(command, "--input", input.toString(), "--output", "/proc/sparkvi-out");
            assertEquals(2, o.code(), o.err());
            assertEquals(1, o.err().lines().count(), o.err());
            assertTrue(o.err().startsWith("sparkvi: error: --output /proc/sparkvi-out cannot be written: "), o.err());
        }
    }
}
