package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.Json;

/**
 * CSV records through the real command line: one with more or fewer fields than the header (a decimal comma,
 * {@code 35,5}) is quarantined as malformed_row, never read with its columns shifted; and {@code convert} takes
 * as a number exactly what {@code cavi} takes ({@code 12f}, {@code 0x1p3}, {@code 35.5d} are no numbers in either).
 */
class CsvInputTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static final String HEADER = "time,latitude,longitude,depth,mag,id";

    @BeforeAll
    static void setUp() {
        spark = TestSpark.get();
    }

    /** {@link Cli#run}, under the name the tests here use. */
    static Cli.Outcome run(String... args) {
        return Cli.run(args);
    }

    /** Good records in two clusters: time, latitude, longitude, depth, mag, id. */
    static List<String> good(int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(String.format("2018-02-07T01:26:%02d.840Z,%.2f,%.2f,5.0,%.1f,c%d", i % 60, 35 + (i % 2) * 2 + i * 0.01,
                    -120 + (i % 2) * 3 + i * 0.01, 1 + (i % 5) * 0.5, i));
        }
        return lines;
    }

    static Path write(String name, List<String> records) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, HEADER + "\n" + String.join("\n", records) + "\n");
        return p;
    }

    static final String DECIMAL_COMMA = "2018-02-07T01:27:00.000Z,35,5,-118.2,5.0,2.5,comma";
    static final String SHORT = "2018-02-07T01:27:01.000Z,35.5,-118.2,5.0,short";

    /** 30 good records; row 6 has a decimal comma (7 fields), row 9 misses one (5), row 12 has a quoted comma. */
    static List<String> withMalformed() {
        List<String> r = good(30);
        r.add(5, DECIMAL_COMMA);
        r.add(8, SHORT);
        r.add(11, "2018-02-07T01:27:02.000Z,35.5,-118.2,5.0,2.5,\"quoted, id\"");
        r.add(3, "");     // a blank line: not a record, as for Spark's CSV reader
        return r;
    }

    @Test
    void aRecordWithMoreOrFewerFieldsThanTheHeaderIsQuarantinedAsMalformed() throws Exception {
        Path input = write("malformed.csv", withMalformed());
        Path out = dir.resolve("malformed-out");
        Cli.Outcome o = run("cavi", "--input", input.toString(), "--output", out.toString(), "--k", "2", "--restarts", "1");
        assertEquals(0, o.code(), o.err());
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(33, s.get("n_records").asLong());
        assertEquals(31, s.get("n_used").asLong(), "the quoted comma is one field: that record is used");
        assertEquals(2, s.get("n_rejected").get("total").asLong());
        assertEquals(2, s.get("n_rejected").get("by_reason").get("malformed_row").asLong());
        List<Row> q = spark.read().parquet(out.resolve("rejected.parquet").toString()).orderBy("row").collectAsList();
        assertEquals(2, q.size());
        Row comma = q.get(0);
        assertEquals(6L, comma.getLong(comma.fieldIndex("row")));
        assertEquals("*", comma.getString(comma.fieldIndex("column")));
        assertEquals(DECIMAL_COMMA, comma.getString(comma.fieldIndex("value")));
        assertEquals("malformed_row", comma.getString(comma.fieldIndex("reason")));
        assertTrue(comma.getString(comma.fieldIndex("file")).endsWith("malformed.csv"));
        Row shortRow = q.get(1);
        assertEquals(9L, shortRow.getLong(shortRow.fieldIndex("row")));
        assertEquals(SHORT, shortRow.getString(shortRow.fieldIndex("value")));
        // the ids of the events used: no record was read with shifted columns
        List<String> ids = spark.read().parquet(out.resolve("assignments.parquet").toString()).select("id").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertFalse(ids.contains("2.5") || ids.contains("short") || ids.contains(null), ids.toString());
        assertTrue(ids.contains("quoted, id"));
    }

    @Test
    void convertRefusesARecordWithMoreOrFewerFields() throws Exception {
        Path input = write("malformed-convert.csv", withMalformed());
        Path out = dir.resolve("malformed-convert-out");
        Cli.Outcome o = run("convert", "--input", input.toString(), "--output", out.toString());
        assertEquals(2, o.code(), o.err());
        String file = "file:" + input;
        assertEquals(String.join("\n",
                "sparkvi: error: cannot convert " + input + ": records whose number of fields is not the header's 6 "
                        + "(a decimal comma or an unquoted comma in a value?)",
                "  file " + file + ", row 6: 7 fields: '" + DECIMAL_COMMA + "'",
                "  file " + file + ", row 9: 5 fields: '" + SHORT + "'"), o.err().strip());
        assertFalse(Files.exists(out));
    }

    /** Rows (1-based) of the values convert refuses, from its message. */
    static TreeSet<Long> refusedByConvert(Cli.Outcome o, String column) {
        TreeSet<Long> rows = new TreeSet<>();
        Matcher m = Pattern.compile("row (\\d+), column " + column + ": value").matcher(o.err());
        while (m.find()) {
            rows.add(Long.parseLong(m.group(1)));
        }
        return rows;
    }

    static TreeSet<Long> rejectedByCavi(Path out) {
        TreeSet<Long> rows = new TreeSet<>();
        for (Row r : spark.read().parquet(out.resolve("rejected.parquet").toString()).collectAsList()) {
            rows.add(r.getLong(r.fieldIndex("row")));
        }
        return rows;
    }

    @Test
    void convertAndCaviAgreeOnWhatADecimalNumberIs() throws Exception {
        List<String> records = good(30);
        Map<Integer, String> latitudes = new TreeMap<>(Map.of(3, "12f", 7, "0x1p3", 11, "35.5d", 15, "\"35,5\"",
                19, "+35.5", 23, "3.55e1", 25, ".5", 27, "35.", 29, " 35.5 "));
        latitudes.forEach((row, v) -> {
            String[] f = records.get(row - 1).split(",");
            f[1] = v;
            records.set(row - 1, String.join(",", f));
        });
        Path input = write("numbers.csv", records);
        Path out = dir.resolve("numbers-out");
        Cli.Outcome cavi = run("cavi", "--input", input.toString(), "--output", out.toString(), "--k", "2", "--restarts", "1");
        assertEquals(0, cavi.code(), cavi.err());
        JsonNode s = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(4, s.get("n_rejected").get("by_reason").get("not_a_number").asLong());
        assertEquals(new TreeSet<>(List.of(3L, 7L, 11L, 15L)), rejectedByCavi(out));

        Cli.Outcome convert = run("convert", "--input", input.toString(), "--output", dir.resolve("numbers-converted").toString());
        assertEquals(2, convert.code(), convert.err());
        assertEquals(rejectedByCavi(out), refusedByConvert(convert, "latitude"), convert.err());
        assertTrue(convert.err().contains("row 3, column latitude: value '12f' is not double"), convert.err());
        assertTrue(convert.err().contains("row 7, column latitude: value '0x1p3' is not double"), convert.err());

        // the accepted forms, alone, convert to the numbers cavi read
        List<String> accepted = good(30);
        Map<Integer, String> forms = Map.of(19, "+35.5", 23, "3.55e1", 25, ".5", 27, "35.", 29, " 35.5 ");
        forms.forEach((row, v) -> {
            String[] f = accepted.get(row - 1).split(",");
            f[1] = v;
            accepted.set(row - 1, String.join(",", f));
        });
        Path converted = dir.resolve("accepted-converted");
        Cli.Outcome ok = run("convert", "--input", write("accepted.csv", accepted).toString(), "--output", converted.toString());
        assertEquals(0, ok.code(), ok.err());
        Map<String, Double> lat = new TreeMap<>();
        spark.read().parquet(converted.toString()).collectAsList().forEach(r ->
                lat.put(r.getString(r.fieldIndex("id")), r.getDouble(r.fieldIndex("latitude"))));
        assertEquals(35.5, lat.get("c18"), 0);
        assertEquals(35.5, lat.get("c22"), 0);
        assertEquals(0.5, lat.get("c24"), 0);
        assertEquals(35.0, lat.get("c26"), 0);
        assertEquals(35.5, lat.get("c28"), 0);
    }

    @Test
    void convertAndCaviAgreeOnWhatAWholeNumberIs() throws Exception {
        List<String> lines = new ArrayList<>();
        String[] nst = {"12.0", "1.2e1", "12.5", "12f", "0x1p3", "7"};
        for (int i = 0; i < 30; i++) {
            lines.add(String.format("%.2f,%.2f,%s,n%d", 35 + (i % 2) * 2 + i * 0.01, -120 + (i % 2) * 3 + i * 0.01,
                    i < nst.length ? nst[i] : String.valueOf(3 + i % 4), i));
        }
        Path input = dir.resolve("nst.csv");
        Files.writeString(input, "latitude,longitude,nst,id\n" + String.join("\n", lines) + "\n");
        Path out = dir.resolve("nst-out");
        Cli.Outcome cavi = run("cavi", "--input", input.toString(), "--output", out.toString(), "--k", "2", "--restarts", "1",
                "--strength-column", "nst");
        assertEquals(0, cavi.code(), cavi.err());
        JsonNode by = Json.MAPPER.readTree(Files.readString(out.resolve("summary.json"))).get("n_rejected").get("by_reason");
        assertEquals(1, by.get("non_integer_strength").asLong());
        assertEquals(2, by.get("not_a_number").asLong());
        assertEquals(new TreeSet<>(List.of(3L, 4L, 5L)), rejectedByCavi(out));

        Cli.Outcome convert = run("convert", "--input", input.toString(), "--output", dir.resolve("nst-converted").toString());
        assertEquals(2, convert.code(), convert.err());
        assertEquals(rejectedByCavi(out), refusedByConvert(convert, "nst"), convert.err());
        assertTrue(convert.err().contains("row 3, column nst: value '12.5' is not int"), convert.err());
    }

    @Test
    void rowsAndRecordIndexesFollowTheFilesWhateverTheSplits() throws Exception {
        Path folder = dir.resolve("split");
        Files.createDirectories(folder);
        StringBuilder a = new StringBuilder("Lat,LON,Magnitude\n");
        for (int r = 1; r <= 200; r++) {
            a.append(1000 + r).append(",1,2\n").append(r % 50 == 0 ? "\n" : "");
        }
        StringBuilder b = new StringBuilder("\nLat,LON,Magnitude\n");
        for (int r = 1; r <= 30; r++) {
            b.append(2000 + r).append(",1,2\n");
        }
        Files.writeString(folder.resolve("a.csv"), a);
        Files.writeString(folder.resolve("b.csv"), b);
        String before = spark.conf().get("spark.sql.files.maxPartitionBytes");
        spark.conf().set("spark.sql.files.maxPartitionBytes", "256"); // many splits, packed by size, a's last one small
        try {
            List<Row> rows = org.sparkvi.io.CatalogueReader.read(spark, folder.toString(),
                    org.sparkvi.io.CatalogueFormat.CSV).collectAsList();
            assertEquals(230, rows.size());
            for (Row r : rows) {
                int lat = Integer.parseInt(r.getAs("latitude"));
                long row = r.getAs(org.sparkvi.io.CatalogueReader.SOURCE_ROW);
                long index = r.getAs(org.sparkvi.io.CatalogueReader.RECORD_INDEX);
                String file = r.getAs(org.sparkvi.io.CatalogueReader.SOURCE_FILE);
                assertEquals(lat > 2000 ? "b.csv" : "a.csv", file.substring(file.lastIndexOf('/') + 1));
                assertEquals(lat > 2000 ? lat - 2000 : lat - 1000, row, "row of " + lat);
                assertEquals(lat > 2000 ? 200 + lat - 2001 : lat - 1001, index, "record index of " + lat);
            }
        } finally {
            spark.conf().set("spark.sql.files.maxPartitionBytes", before);
        }
    }
}
