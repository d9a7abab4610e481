package org.sparkvi.cavi;

import org.sparkvi.io.CatalogueFormat;
import org.sparkvi.io.CatalogueFiles;
import org.sparkvi.io.CatalogueReader;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.ParquetBatches;
import org.sparkvi.io.StrengthSpec;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Column;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.OrderedTreeAggregate;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.UserInputException;

/**
 * Reads a catalogue once: Spark's (vectorised, for Parquet) reader fills the {@link EventColumns} projection, and
 * each partition is read by {@link EventParser} into one cached {@link EventBlock} plus its quarantine, in a single
 * pass with no shuffle. Each event keeps its record index in the catalogue, the key of every random draw made for
 * it, so results do not depend on the number of partitions.
 * <p>
 * Partitions: the input's own splits when there are at least as many as Spark's default parallelism (so a large
 * catalogue is never moved); otherwise, or when the user asks for a number, rows are hashed by record index into P
 * partitions and sorted by index within each, on the SQL side (Spark's binary rows, not Java objects). Either way a
 * run, and a retried task, builds the same blocks.
 */
public final class CatalogueLoader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogueLoader.class);
    private CatalogueLoader() {
    }

    /** What to read and how to interpret it. */
    public record Request(String path, CatalogueFormat format, CoordinateSystem coords, StrengthSpec strength,
                          String weightColumn, int partitions, boolean reportColumns) {
    }

    /** Reads the catalogue; a file Spark fails to read is one user error naming it ({@link CatalogueFiles#translate}). */
    public static LoadedCatalogue load(SparkSession spark, Request req) {
        long t0 = System.nanoTime();
        CatalogueReader.Source source = CatalogueReader.open(spark, req.path(), req.format());
        LOG.debug("{}: opened (files listed, footers read, schema) in {} s", req.path(), seconds(t0));
        return load(spark, source, req);
    }

    private static String seconds(long since) {
        return String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - since) / 1e9);
    }

    /** Loads rows already read (a DataFrame of the caller's: {@link CatalogueReader#fromDataFrame}); req names them. */
    public static LoadedCatalogue load(SparkSession spark, CatalogueReader.Source source, Request req) {
        try {
            return read(spark, source, req);
        } catch (Exception e) { // SparkException is checked, yet thrown by Scala code
            throw CatalogueFiles.translate(e);
        }
    }

    /**
     * Up to this many events, a Parquet catalogue that Spark reads as fewer partitions than cores (one small file)
     * is used as it is read: spreading it over the cores (a shuffle of its rows, planned and run by Spark SQL) cost
     * about 3 s for the bundled 1,707 events, against a few ms of work per pass that a second core could share.
     */
    static final long SMALL_CATALOGUE_EVENTS = 1 << 16;

    private static LoadedCatalogue read(SparkSession spark, CatalogueReader.Source source, Request req) {
        long planned = System.nanoTime();
        CoordinateSystem coords = req.coords();
        // local-km's reference point is the catalogue's centroid: read in ECEF (also unit Jacobian), then re-place
        CoordinateSystem readAs = coords.needsReference() ? CoordinateSystem.of(CoordinateSystem.Kind.ECEF) : coords;
        boolean report = req.reportColumns() || coords.needsReference();
        // latitude and longitude for the map only where X does not give them back (16 of ~93 cached bytes an
        // event), and for local-km's centroid and re-placing
        boolean latLon = coords.needsReference() || !readAs.recoversLatLon();
        int parallelism = spark.sparkContext().defaultParallelism();
        Map<String, Long> offsets = source.fileOffsets();
        EventColumns columns = new EventColumns(source.rows(), readAs, req.strength(), req.weightColumn(),
                offsets == null, req.path());
        source.requireOneTypePerColumn(columns.sourceColumns());
        // Parquet whose columns need no cast: Spark's column batches, read in place (no conversion to rows)
        EventColumns direct = offsets == null || req.partitions() > 0 ? null : EventColumns.direct(source.rows().schema(),
                readAs, req.strength(), req.weightColumn(), req.path());
        ParquetBatches.Batches batches = direct == null || direct.directColumns() == null ? null
                : source.batches(direct.directColumns());
        LOG.debug("{}: columns and splits planned in {} s", req.path(), seconds(planned));
        boolean asRead = batches != null && (batches.batches().getNumPartitions() >= parallelism
                || java.util.Arrays.stream(batches.expectedRows()).sum() <= SMALL_CATALOGUE_EVENTS);
        JavaRDD<CataloguePartition> read;
        if (asRead) {
            EventParser parser = new EventParser(direct, readAs, req.strength(), req.weightColumn() != null, report,
                    latLon, offsets);
            long[] expected = batches.expectedRows();
            LOG.debug("{}: read from Spark's Parquet column batches, {} partitions of {} rows", req.path(),
                    expected.length, java.util.Arrays.toString(expected));
            read = batches.batches().mapPartitionsWithIndex((p, it) -> {
                FaultInjection.maybeFail("catalogue reading");
                int hint = (int) Math.min(Integer.MAX_VALUE - 8, expected[p]);
                return List.of(parser.parseBatches(it, hint)).iterator();
            }, false);
        } else {
            RDD<InternalRow> rows = source.rows().select(columns.projection()).queryExecution().toRdd();
            if (req.partitions() > 0 || rows.getNumPartitions() < parallelism) {
                int partitions = req.partitions() > 0 ? req.partitions() : parallelism;
                offsets = null;
                columns = new EventColumns(source.withIndex(), readAs, req.strength(), req.weightColumn(), true, req.path());
                Column index = col("_c" + columns.index);
                rows = source.withIndex().select(columns.projection())
                        .repartition(partitions, functions.pmod(index, functions.lit(partitions)))
                        .sortWithinPartitions(index).queryExecution().toRdd();
            }
            EventParser parser = new EventParser(columns, readAs, req.strength(), req.weightColumn() != null, report,
                    latLon, offsets);
            read = rows.toJavaRDD().mapPartitions(it -> {
                FaultInjection.maybeFail("catalogue reading");
                return List.of(parser.parse(it)).iterator();
            }, false);
        }
        read.persist(StorageLevel.MEMORY_AND_DISK());
        long job = System.nanoTime();
        List<CataloguePartition.Counts> counts = SparkSessions.describe(spark, "Read, validate and cache " + req.path()
                + " as " + read.getNumPartitions() + " columnar blocks", () -> read.map(CataloguePartition::counts).collect());
        LOG.debug("{}: read job and its counts in {} s", req.path(), seconds(job));
        long after = System.nanoTime();
        long records = 0;
        long used = 0;
        long bytes = 0;
        Map<String, Long> byReason = new TreeMap<>();
        String firstRejection = null;
        for (CataloguePartition.Counts c : counts) {
            records += c.records();
            used += c.used();
            bytes += c.bytes();
            c.rejectedByReason().forEach((k, v) -> byReason.merge(k, v, Long::sum));
            firstRejection = firstRejection != null ? firstRejection : c.firstRejection();
        }
        if (records == 0) {
            read.unpersist(false);
            throw new UserInputException("the catalogue " + req.path() + " is empty: it holds no records");
        }
        if (used == 0) {
            read.unpersist(false);
            throw new UserInputException("the catalogue " + req.path() + " has no usable events: all " + records
                    + " records were rejected " + byReason + "; first: " + firstRejection);
        }
        JavaRDD<CataloguePartition> cached = read;
        if (coords.needsReference()) {
            double[] ref = SparkSessions.describe(spark, "Centroid of the catalogue (local-km reference point)",
                    () -> centroid(read));
            CoordinateSystem cs = coords.withReference(ref[0], ref[1]);
            coords = cs;
            cached = read.map(p -> p.withBlock(p.block().withCoordinates(cs))).persist(StorageLevel.MEMORY_AND_DISK());
            SparkSessions.describe(spark, "Place the events in local-km coordinates", cached::count);
            read.unpersist(false);
        }
        // the exact count (a shuffle of the ids) runs only when two ids hash alike: nearly never without duplicates
        LoadedCatalogue.DuplicateIds duplicates = !hasIds(counts) ? null
                : repeatedHash(counts) ? duplicateIds(spark, source.rows(), req.path())
                : new LoadedCatalogue.DuplicateIds(0, 0, null, 0);
        LOG.debug("{}: counts summed and ids checked in {} s", req.path(), seconds(after));
        return new LoadedCatalogue(req.path(), cached, coords, records, used, byReason, bytes, duplicates);
    }

    static boolean hasIds(List<CataloguePartition.Counts> counts) {
        return counts.stream().anyMatch(c -> c.idHashes() != null);
    }

    /** Whether some hash occurs twice among the partitions' hashes ({@link IdHashBuckets}). */
    static boolean repeatedHash(List<CataloguePartition.Counts> counts) {
        return IdHashBuckets.anyRepeated(counts.stream().map(CataloguePartition.Counts::idHashes)
                .filter(java.util.Objects::nonNull).toList());
    }

    /**
     * Ids that occur more than once, by one Spark SQL aggregation over the id column alone (Parquet decodes no other
     * column; the ids are combined within each partition before the shuffle); null when there is no id column.
     */
    static LoadedCatalogue.DuplicateIds duplicateIds(SparkSession spark, Dataset<Row> rows, String path) {
        String id = java.util.Arrays.stream(rows.columns()).filter(c -> c.equalsIgnoreCase("id")).findFirst().orElse(null);
        if (id == null) {
            return null;
        }
        long t0 = System.nanoTime();
        Dataset<Row> repeated = rows.select(col("`" + id.replace("`", "``") + "`").cast(DataTypes.StringType).as("id"))
                .where(col("id").isNotNull()).groupBy("id").count().where(col("count").gt(1));
        Row r = SparkSessions.describe(spark, "Count the ids of " + path + " that occur more than once", () -> repeated.agg(
                functions.coalesce(functions.sum("count"), functions.lit(0L)), functions.count(functions.lit(1)),
                functions.max(functions.struct(col("count"), col("id")))).first());
        Row top = r.isNullAt(2) ? null : r.getStruct(2);
        LoadedCatalogue.DuplicateIds d = new LoadedCatalogue.DuplicateIds(r.getLong(0), r.getLong(1),
                top == null ? null : top.getString(1), top == null ? 0 : top.getLong(0));
        LOG.info("duplicate ids of {} counted in {} s: {} events, {} ids", path,
                String.format("%.3f", (System.nanoTime() - t0) / 1e9), d.events(), d.ids());
        return d;
    }

    /** The direction of the mean unit vector, as {lat, lon}: well defined across the date line; merged in partition order. */
    static double[] centroid(JavaRDD<CataloguePartition> parts) {
        double[] sum = OrderedTreeAggregate.aggregate(parts, () -> new double[3], (acc, p) -> {
            EventBlock b = p.block();
            for (int n = 0; n < b.size; n++) {
                double phi = Math.toRadians(b.latitude[n]);
                double lambda = Math.toRadians(b.longitude[n]);
                acc[0] += Math.cos(phi) * Math.cos(lambda);
                acc[1] += Math.cos(phi) * Math.sin(lambda);
                acc[2] += Math.sin(phi);
            }
            return acc;
        }, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]}, 64);
        double norm = Math.sqrt(sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]);
        if (norm == 0) {
            return new double[] {0, 0};
        }
        return new double[] {Math.toDegrees(Math.asin(sum[2] / norm)), Math.toDegrees(Math.atan2(sum[1], sum[0]))};
    }
}
