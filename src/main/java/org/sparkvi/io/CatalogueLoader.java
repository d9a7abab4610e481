package org.sparkvi.io;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkvi.cavi.EventBlock;
import org.sparkvi.cli.FaultInjection;
import org.sparkvi.cli.SparkSessions;
import org.sparkvi.cli.UserInputException;
import scala.Tuple2;

/**
 * Reads a catalogue once: parses every record (quarantining bad ones), fixes the coordinate system's reference
 * point when it depends on the data, and caches the valid events as one {@link EventBlock} per partition.
 * Each event keeps its record index in the catalogue, the key of every random draw made for it, so results do
 * not depend on the number of partitions.
 */
public final class CatalogueLoader {
    private CatalogueLoader() {
    }

    /** What to read and how to interpret it. */
    public record Request(String path, CatalogueFormat format, CoordinateSystem coords, StrengthSpec strength,
                          String weightColumn, int partitions, boolean reportColumns) {
    }

    public static LoadedCatalogue load(SparkSession spark, Request req) {
        Dataset<Row> all = CatalogueReader.read(spark, req.path(), req.format());
        // checks the required columns against the whole schema, so that an error lists every column there is
        new EventParser(all.schema(), req.coords(), req.strength(), req.weightColumn(), req.path());
        Dataset<Row> df = all.select(neededColumns(all, req).toArray(new Column[0]));
        EventParser parser = new EventParser(df.schema(), req.coords(), req.strength(), req.weightColumn(), req.path());

        int indexField = df.schema().fieldIndex(CatalogueReader.RECORD_INDEX);
        JavaRDD<EventParser.Result> parsed = df.javaRDD()
                .map(row -> {
                    FaultInjection.maybeFail("catalogue parsing");
                    return parser.parse(row, row.getLong(indexField));
                })
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Rejection> rejections = parsed.filter(r -> r.rejection() != null).map(EventParser.Result::rejection)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> byReason = SparkSessions.describe(spark, "Read " + req.path() + ": count rejected records by reason",
                () -> rejections.map(Rejection::reason).countByValue());
        long records = SparkSessions.describe(spark, "Read " + req.path() + ": count records", parsed::count);
        JavaRDD<ParsedEvent> valid = parsed.filter(r -> r.event() != null).map(EventParser.Result::event);
        long rejected = byReason.values().stream().mapToLong(Long::longValue).sum();
        long used = records - rejected;
        if (records == 0) {
            throw new UserInputException("the catalogue " + req.path() + " is empty: it holds no records");
        }
        if (used == 0) {
            throw new UserInputException("the catalogue " + req.path() + " has no usable events: all " + records
                    + " records were rejected " + byReason + "; first: " + rejections.first().message());
        }

        CoordinateSystem coords = req.coords();
        if (coords.needsReference()) {
            double[] ref = SparkSessions.describe(spark, "Centroid of the catalogue (local-km reference point)",
                    () -> centroid(valid));
            coords = coords.withReference(ref[0], ref[1]);
        }
        CoordinateSystem cs = coords;
        boolean report = req.reportColumns();
        boolean weighted = req.weightColumn() != null;
        int partitions = req.partitions() > 0 ? req.partitions() : spark.sparkContext().defaultParallelism();
        // events go to partition (index mod P) and are sorted by index within it: the same blocks on every run and retry
        JavaRDD<EventBlock> blocks = valid.mapToPair(e -> new Tuple2<>(e.index(), e))
                .partitionBy(new HashPartitioner(partitions)).values()
                .mapPartitions((Iterator<ParsedEvent> it) -> List.of(toBlock(sortedByIndex(it), cs, weighted, report)).iterator())
                .persist(StorageLevel.MEMORY_AND_DISK());
        SparkSessions.describe(spark, "Cache " + used + " events as " + partitions + " columnar blocks", blocks::count);
        parsed.unpersist(false);
        return new LoadedCatalogue(req.path(), blocks, cs, records, used, byReason, rejections);
    }

    private static List<Column> neededColumns(Dataset<Row> df, Request req) {
        List<String> wanted = new ArrayList<>(List.of("latitude", "longitude", "id", "time", "mag",
                CatalogueReader.SOURCE_FILE, CatalogueReader.SOURCE_ROW, CatalogueReader.RECORD_INDEX,
                req.strength().column()));
        wanted.addAll(req.coords().xColumns());
        if (req.weightColumn() != null) {
            wanted.add(req.weightColumn());
        }
        List<Column> out = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        for (String name : df.columns()) {
            for (String w : wanted) {
                if (name.equalsIgnoreCase(w) && !taken.contains(name)) {
                    out.add(df.col("`" + name + "`"));
                    taken.add(name);
                }
            }
        }
        return out;
    }

    /** The direction of the mean unit vector, as {lat, lon}: well defined across the date line. */
    static double[] centroid(JavaRDD<ParsedEvent> events) {
        double[] sum = events.aggregate(new double[3], (acc, e) -> {
            double phi = Math.toRadians(e.latitude());
            double lambda = Math.toRadians(e.longitude());
            acc[0] += Math.cos(phi) * Math.cos(lambda);
            acc[1] += Math.cos(phi) * Math.sin(lambda);
            acc[2] += Math.sin(phi);
            return acc;
        }, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
        double norm = Math.sqrt(sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]);
        if (norm == 0) {
            return new double[] {0, 0};
        }
        return new double[] {Math.toDegrees(Math.asin(sum[2] / norm)), Math.toDegrees(Math.atan2(sum[1], sum[0]))};
    }

    private static Iterator<ParsedEvent> sortedByIndex(Iterator<ParsedEvent> it) {
        List<ParsedEvent> events = new ArrayList<>();
        it.forEachRemaining(events::add);
        events.sort(java.util.Comparator.comparingLong(ParsedEvent::index));
        return events.iterator();
    }

    static EventBlock toBlock(Iterator<ParsedEvent> events, CoordinateSystem coords, boolean weighted,
                              boolean reportColumns) {
        int d = coords.dim();
        EventBlock.Builder b = null;
        double[] x = new double[d];
        while (events.hasNext()) {
            ParsedEvent e = events.next();
            if (b == null) {
                b = new EventBlock.Builder(d, weighted, reportColumns);
            }
            double logJacobian = coords.toModel(e.latitude(), e.longitude(), e.values(), x);
            double logBase = logJacobian - org.apache.commons.math3.special.Gamma.logGamma(e.strength() + 1.0);
            b.add(x, e.strength(), e.weight(), logBase, e.index(), e.id(), e.timeMillis(), e.mag(), e.latitude(), e.longitude());
        }
        return b == null ? new EventBlock.Builder(d, false, reportColumns).build() : b.build();
    }
}
