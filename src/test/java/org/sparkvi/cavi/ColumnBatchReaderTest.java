package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.ParquetFooters;
import org.sparkvi.io.StrengthSpec;

/**
 * Column batches read column by column ({@link ColumnBatchReader}) give what the row parser gives for the same
 * rows, bit for bit: every kept value, every rejection, the record count and the id hashes. A batch holding any
 * value the row parser would refuse, or a missing one in a column it checks, is left to the row parser whole; a
 * missing value in a column it does not check (an id, a time, a magnitude that is not the strength) is not.
 */
class ColumnBatchReaderTest {
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType)
            .add("time", DataTypes.TimestampType).add("latitude", DataTypes.DoubleType)
            .add("longitude", DataTypes.DoubleType).add("depth", DataTypes.DoubleType)
            .add("strength", DataTypes.DoubleType).add("mag", DataTypes.DoubleType);
    private static final String FILE = "file:/catalogue/part-0.parquet";
    private static final int ROWS = 500;

    @Test
    void validBatchesAreReadByColumnAndAgreeWithTheRowParser() {
        for (CoordinateSystem.Kind kind : List.of(CoordinateSystem.Kind.ECEF, CoordinateSystem.Kind.HYPOCENTER,
                CoordinateSystem.Kind.LONLAT)) {
            for (StrengthSpec strength : List.of(StrengthSpec.MAG10, StrengthSpec.column("strength"))) {
                for (boolean report : new boolean[] {true, false}) {
                    EventParser parser = parser(CoordinateSystem.of(kind), strength, report);
                    // missing ids, times and (when it is not the strength) magnitudes: not checked, the batch stays columnar
                    List<ColumnarBatch> batches = List.of(batch(parser, 1, 0, null), batch(parser, 2, ROWS, values -> {
                        values.id[3] = null;
                        values.time[4] = null;
                        if (!strength.mag10()) {
                            values.mag[5] = null;
                        }
                    }));
                    for (ColumnarBatch b : batches) {
                        assertTrue(new ColumnBatchReader(parser, parser.new Reader(ROWS)).read(b), kind + " " + report);
                    }
                    assertSame(parser, batches, 0);
                }
            }
        }
    }

    @Test
    void aBatchWithAValueTheRowParserRefusesIsLeftToIt() {
        for (StrengthSpec strength : List.of(StrengthSpec.MAG10, StrengthSpec.column("strength"))) {
            java.util.function.Function<Values, Double[]> s = v -> strength.mag10() ? v.mag : v.strength;
            List<Consumer<Values>> spoilers = List.of(
                    v -> v.latitude[7] = 91.0, v -> v.latitude[7] = Double.NaN, v -> v.latitude[7] = null,
                    v -> v.longitude[7] = -180.5, v -> v.longitude[7] = Double.POSITIVE_INFINITY,
                    v -> v.depth[7] = null, v -> v.depth[7] = 1001.0, v -> v.depth[7] = Double.NaN,
                    v -> s.apply(v)[7] = -1.5, v -> s.apply(v)[7] = 2.5, v -> s.apply(v)[7] = null,
                    v -> s.apply(v)[7] = 2e9, v -> s.apply(v)[7] = Double.NaN);
            EventParser parser = parser(CoordinateSystem.of(CoordinateSystem.Kind.HYPOCENTER), strength, true);
            int spoiled = 0;
            List<ColumnarBatch> batches = new ArrayList<>();
            for (int k = 0; k < spoilers.size(); k++) {
                ColumnarBatch b = batch(parser, 10 + k, (long) k * ROWS, spoilers.get(k));
                boolean columnar = new ColumnBatchReader(parser, parser.new Reader(ROWS)).read(b);
                // mag10 takes any finite magnitude below 10⁸ (a negative one is strength 0): only the others refuse it
                boolean refused = !(strength.mag10() && (k == 8 || k == 9));
                assertEquals(!refused, columnar, "spoiler " + k + " " + strength);
                spoiled += refused ? 1 : 0;
                batches.add(b);
            }
            assertSame(parser, batches, spoiled);
        }
    }

    /** Both ways over the same batches: the same partition; {@code rejected} records refused. */
    private static void assertSame(EventParser parser, List<ColumnarBatch> batches, int rejected) {
        CataloguePartition byColumn = parser.parseBatches(batches.iterator(), ROWS);
        List<InternalRow> rows = new ArrayList<>();
        for (ColumnarBatch b : batches) {
            for (Iterator<InternalRow> it = b.rowIterator(); it.hasNext(); ) {
                rows.add(it.next().copy());
            }
        }
        CataloguePartition byRow = parser.parse(rows.iterator(), ROWS);
        assertEquals(batches.size() * ROWS, byColumn.records());
        assertEquals(byRow.records(), byColumn.records());
        assertEquals(rejected, byColumn.rejections().size());
        assertEquals(byRow.rejections(), byColumn.rejections());
        assertEquals(byRow.rejectedByReason(), byColumn.rejectedByReason());
        assertEquals(events(byRow.block()), events(byColumn.block()));
        IdHashBuckets.Grouped rowHashes = byRow.idHashes().take();
        IdHashBuckets.Grouped columnHashes = byColumn.idHashes().take();
        assertArrayEquals(rowHashes.bytes(), columnHashes.bytes());
        assertArrayEquals(rowHashes.ends(), columnHashes.ends());
    }

    private static List<String> events(EventBlock b) {
        List<String> out = new ArrayList<>();
        for (int n = 0; n < b.size; n++) {
            out.add(java.util.Arrays.toString(b.location(n)) + " " + b.strength[n] + " " + b.weight(n) + " "
                    + b.logBase[n] + " " + b.index[n] + (b.idEnd == null ? "" : " " + b.idOf(n) + " " + b.timeMillis[n]
                    + " " + b.mag[n] + (b.latitude == null ? "" : " " + b.latitude[n] + " " + b.longitude[n])));
        }
        assertFalse(out.isEmpty());
        return out;
    }

    private static EventParser parser(CoordinateSystem coords, StrengthSpec strength, boolean report) {
        EventColumns cols = EventColumns.direct(SCHEMA, coords, strength, null, "test");
        // lon/lat keeps latitude and longitude here (as radial and identity coordinates do), the others not (as the job)
        boolean latLon = coords.kind() == CoordinateSystem.Kind.LONLAT;
        return new EventParser(cols, coords, strength, false, report, latLon, Map.of(ParquetFooters.metadataPath(FILE), 1000L));
    }

    /** One row's columns as Java values (null: missing). */
    private static final class Values {
        final String[] id = new String[ROWS];
        final Long[] time = new Long[ROWS];
        final Double[] latitude = new Double[ROWS];
        final Double[] longitude = new Double[ROWS];
        final Double[] depth = new Double[ROWS];
        final Double[] strength = new Double[ROWS];
        final Double[] mag = new Double[ROWS];
    }

    /** A batch as ParquetBatches gives it: the parser's direct columns, the file and the row in it. */
    private static ColumnarBatch batch(EventParser parser, long seed, long firstRow, Consumer<Values> spoil) {
        Random r = new Random(seed);
        Values v = new Values();
        for (int i = 0; i < ROWS; i++) {
            v.id[i] = "ev" + (seed * ROWS + i);
            v.time[i] = 1_700_000_000_000_000L + r.nextInt(1_000_000_000) - 500_000_000L;
            v.latitude[i] = r.nextDouble() * 180 - 90;
            v.longitude[i] = r.nextDouble() * 360 - 180;
            v.depth[i] = r.nextDouble() * 700 - 5;
            v.strength[i] = (double) r.nextInt(60);
            v.mag[i] = r.nextDouble() * 7;
        }
        if (spoil != null) {
            spoil.accept(v);
        }
        List<String> names = parser.cols.directColumns();
        ColumnVector[] vectors = new ColumnVector[names.size() + 2];
        for (int c = 0; c < names.size(); c++) {
            Object[] column = switch (names.get(c)) {
                case "id" -> v.id;
                case "time" -> v.time;
                case "latitude" -> v.latitude;
                case "longitude" -> v.longitude;
                case "depth" -> v.depth;
                case "strength" -> v.strength;
                case "mag" -> v.mag;
                default -> throw new AssertionError(names.get(c));
            };
            vectors[c] = vector(SCHEMA.apply(names.get(c)).dataType(), column);
        }
        String[] file = new String[ROWS];
        Long[] row = new Long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            file[i] = FILE;
            row[i] = firstRow + i;
        }
        vectors[names.size()] = vector(DataTypes.StringType, file);
        vectors[names.size() + 1] = vector(DataTypes.LongType, row);
        return new ColumnarBatch(vectors, ROWS);
    }

    private static OnHeapColumnVector vector(DataType type, Object[] values) {
        OnHeapColumnVector out = new OnHeapColumnVector(values.length, type);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                out.putNull(i);
            } else if (type.equals(DataTypes.StringType)) {
                out.putByteArray(i, ((String) values[i]).getBytes(StandardCharsets.UTF_8));
            } else if (type.equals(DataTypes.DoubleType)) {
                out.putDouble(i, (Double) values[i]);
            } else {
                out.putLong(i, (Long) values[i]);
            }
        }
        return out;
    }
}
