package org.sparkvi.io;

import com.univocity.parsers.csv.CsvParser;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.csv.CSVOptions;

/**
 * A CSV catalogue read as text lines and split with Spark's own CSV tokenizer (univocity with the settings of
 * Spark's CSV reader: quotes, escapes, nulls), so that every record keeps its raw line and the number of fields
 * in it. Spark's CSV reader, in its permissive mode, fills a short record with nulls and drops a long record's
 * surplus fields without a word (a decimal comma, {@code 35,5}, then shifts every later column); here a record
 * whose field count differs from the header's is marked, with its raw line, for the quarantine.
 * <p>
 * As in Spark's reader: the header is the first non-blank line of each file, blank lines are skipped, and a
 * record is one line. Rows are numbered per file (1 = the first record after the header) and the record index
 * counts the records of the files in path order, whatever the order in which Spark packs the files' splits.
 */
final class CsvLines {
    /** Longest raw line kept in a quarantine entry; a longer one is cut and its length given. */
    static final int MAX_LINE_SHOWN = 1000;

    private CsvLines() {
    }

    /** One split of a file: its non-blank lines, and whether it holds binary data (a NUL character: not CSV text). */
    record Block(String file, long start, long lines, boolean binary) implements Serializable {
    }

    /** Where each split's lines start: within its file (header included) and, per file, the records before it. */
    record Offsets(Map<String, Map<Long, Long>> lineInFile, Map<String, Long> recordsBefore) implements Serializable {
        static Offsets of(List<Block> blocks) {
            Map<String, TreeMap<Long, Long>> byFile = new TreeMap<>();
            for (Block b : blocks) {
                byFile.computeIfAbsent(b.file(), f -> new TreeMap<>()).merge(b.start(), b.lines(), Long::sum);
            }
            Map<String, Map<Long, Long>> lineInFile = new TreeMap<>();
            Map<String, Long> recordsBefore = new TreeMap<>();
            long records = 0;
            for (Map.Entry<String, TreeMap<Long, Long>> f : byFile.entrySet()) {
                Map<Long, Long> starts = new TreeMap<>();
                long lines = 0;
                for (Map.Entry<Long, Long> b : f.getValue().entrySet()) {
                    starts.put(b.getKey(), lines);
                    lines += b.getValue();
                }
                lineInFile.put(f.getKey(), starts);
                recordsBefore.put(f.getKey(), records);
                records += Math.max(0, lines - 1); // the first non-blank line is the header
            }
            return new Offsets(lineInFile, recordsBefore);
        }
    }

    /** The tokenizer Spark's CSV reader uses, with its default options (those of CatalogueReader's CSV read). */
    static CsvParser tokenizer() {
        return new CsvParser(options().asParserSettings());
    }

    static CSVOptions options() {
        Map<String, String> params = Map.of("header", "true", "mode", "PERMISSIVE");
        scala.collection.immutable.Map<String, String> scalaParams = scala.collection.immutable.Map$.MODULE$
                .from(scala.jdk.javaapi.CollectionConverters.asScala(params));
        return new CSVOptions(scalaParams, false, "UTC");
    }

    static boolean blank(String line) {
        return line.trim().isEmpty();
    }

    /** Pass 1: the non-blank lines of each split in a partition of (line, file, split start) rows. */
    static Iterator<Block> count(Iterator<Row> rows) {
        List<Block> out = new ArrayList<>();
        String file = null;
        long start = -1;
        long lines = 0;
        boolean binary = false;
        while (rows.hasNext()) {
            Row r = rows.next();
            String f = r.getString(1);
            long s = r.getLong(2);
            if (!f.equals(file) || s != start) {
                if (file != null) {
                    out.add(new Block(file, start, lines, binary));
                }
                file = f;
                start = s;
                lines = 0;
                binary = false;
            }
            String line = r.getString(0);
            if (line != null) {
                binary |= line.indexOf('\0') >= 0;
                lines += blank(line) ? 0 : 1;
            }
        }
        if (file != null) {
            out.add(new Block(file, start, lines, binary));
        }
        return out.iterator();
    }

    /**
     * Pass 2: each record of a partition as {@code columns} strings (as Spark's CSV reader gives them: empty is null,
     * a short record padded with nulls, a long one cut), then file, row, record index, its number of fields, and its
     * raw line when that number is not {@code columns} (else null).
     */
    static Iterator<Row> records(Iterator<Row> rows, Offsets offsets, int columns) {
        CSVOptions options = options();
        CsvParser parser = new CsvParser(options.asParserSettings());
        String nullValue = options.nullValue();
        return new Iterator<>() {
            String file;
            long start = -1;
            long line;
            long before;
            Row next = advance();

            private Row advance() {
                while (rows.hasNext()) {
                    Row r = rows.next();
                    String f = r.getString(1);
                    long s = r.getLong(2);
                    if (!f.equals(file) || s != start) {
                        file = f;
                        start = s;
                        line = offsets.lineInFile().get(f).get(s);
                        before = offsets.recordsBefore().get(f);
                    }
                    String text = r.getString(0);
                    if (text == null || blank(text)) {
                        continue;
                    }
                    long row = line++; // 0 is the header
                    if (row == 0) {
                        continue;
                    }
                    String[] tokens;
                    try {
                        tokens = parser.parseLine(text);
                    } catch (RuntimeException e) { // more fields than the tokenizer takes, or a field too long
                        tokens = null;
                    }
                    int fields = tokens == null ? -1 : tokens.length;
                    Object[] v = new Object[columns + 5];
                    for (int i = 0; i < columns && tokens != null && i < tokens.length; i++) {
                        String t = tokens[i];
                        v[i] = t == null || t.equals(nullValue) ? null : t;
                    }
                    v[columns] = f;
                    v[columns + 1] = row;
                    v[columns + 2] = before + row - 1;
                    v[columns + 3] = fields;
                    v[columns + 4] = fields == columns ? null : shown(text);
                    return RowFactory.create(v);
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Row next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Row r = next;
                next = advance();
                return r;
            }
        };
    }

    static String shown(String line) {
        return line.length() <= MAX_LINE_SHOWN ? line
                : line.substring(0, MAX_LINE_SHOWN) + "… (" + line.length() + " characters)";
    }
}
