package org.sparkvi.io;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.UserInputException;
import scala.Tuple2;

/**
 * Reads a catalogue in Parquet, ComCat CSV or GeoJSON into one schema: the ComCat column names (id, time, latitude,
 * longitude, depth, mag, magType, nst, sig, felt, place, …), matched case-insensitively with common aliases; other
 * columns kept as they are. Values keep the types they were written with (CSV: text), so that a bad value can be
 * reported as written. Three columns are added: the source file, the record's 1-based row in it, and its index in
 * the whole catalogue (the key of every random draw made for the event). A CSV record also has its number of
 * fields and, when that differs from the header's, its raw line: such a record is quarantined as {@code malformed_row}.
 */
public final class CatalogueReader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogueReader.class);
    public static final String SOURCE_FILE = "_source_file";
    public static final String SOURCE_ROW = "_source_row";
    public static final String RECORD_INDEX = "_record_index";
    /** CSV: the record's number of fields (-1 when the tokenizer refused the line). */
    public static final String SOURCE_FIELDS = "_source_fields";
    /** CSV: the record's raw line when its number of fields differs from the header's, else null. */
    public static final String MALFORMED_LINE = "_source_malformed_line";

    /** Alias (lower case) → ComCat name. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("lat", "latitude"), Map.entry("latitude", "latitude"),
            Map.entry("lon", "longitude"), Map.entry("long", "longitude"), Map.entry("lng", "longitude"),
            Map.entry("longitude", "longitude"), Map.entry("depth", "depth"), Map.entry("depth_km", "depth"),
            Map.entry("mag", "mag"), Map.entry("magnitude", "mag"), Map.entry("magtype", "magType"),
            Map.entry("mag_type", "magType"), Map.entry("id", "id"), Map.entry("eventid", "id"),
            Map.entry("event_id", "id"), Map.entry("time", "time"), Map.entry("origin_time", "time"),
            Map.entry("nst", "nst"), Map.entry("sig", "sig"), Map.entry("felt", "felt"), Map.entry("place", "place"));

    private CatalogueReader() {
    }

    /** The format from the path: a folder or *.parquet → Parquet, *.csv[.gz] → CSV, *.json / *.geojson[.gz] → GeoJSON. */
    public static CatalogueFormat detect(String path) {
        String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (p.endsWith(".gz")) {
            p = p.substring(0, p.length() - 3);
        }
        if (p.endsWith(".csv")) {
            return CatalogueFormat.CSV;
        }
        if (p.endsWith(".json") || p.endsWith(".geojson")) {
            return CatalogueFormat.GEOJSON;
        }
        return CatalogueFormat.PARQUET;
    }

    /** Every column, with the source file, the row in it and the record index. */
    public static Dataset<Row> read(SparkSession spark, String path, CatalogueFormat format) {
        return open(spark, path, format).withIndex();
    }

    /**
     * A catalogue as read: its rows with the source file and row, and either a record index column or, for
     * Parquet, the first record index of each file (files in path order), from which a reader computes the index
     * as it goes: no pass over the data is needed to number the records.
     */
    public record Source(Dataset<Row> rows, Map<String, Long> fileOffsets, Map<String, ParquetFooters.Footer> footers,
                         Dataset<Row> parquet) {
        Source(Dataset<Row> rows) {
            this(rows, null, null, null);
        }

        /**
         * Parquet: the columns named (by their ComCat names, as in {@link #rows}) straight from Spark's column
         * batches, then the file and the 0-based row in it ({@link ParquetBatches}); null for other formats, or
         * when Spark would not read them as batches.
         */
        public ParquetBatches.Batches batches(List<String> columns) {
            if (parquet == null) {
                return null;
            }
            String[] names = parquet.columns();
            List<String> targets = canonicalTargets(names);
            return ParquetBatches.batches(parquet, columns.stream().map(c -> names[targets.indexOf(c)]).toList(), footers);
        }

        /** Refuses files that disagree on the type of a column the run reads (Parquet; text formats have no types). */
        public void requireOneTypePerColumn(java.util.Collection<String> columns) {
            if (footers != null) {
                ParquetFooters.requireOneTypePerColumn(footers, columns);
            }
        }

        /** The rows with a record index column. */
        public Dataset<Row> withIndex() {
            if (fileOffsets == null) {
                return rows;
            }
            List<Column> pairs = new ArrayList<>();
            Map<String, Long> bySparkPath = new TreeMap<>();
            rows.select(col(SOURCE_FILE)).distinct().collectAsList().forEach(r -> bySparkPath.put(r.getString(0),
                    fileOffsets.get(ParquetFooters.metadataPath(r.getString(0)))));
            bySparkPath.forEach((file, offset) -> {
                pairs.add(functions.lit(file));
                pairs.add(functions.lit(offset));
            });
            Column offsets = functions.map(pairs.toArray(new Column[0]));
            return rows.withColumn(RECORD_INDEX, functions.element_at(offsets, col(SOURCE_FILE))
                    .plus(col(SOURCE_ROW)).minus(1));
        }
    }

    /**
     * A DataFrame as a catalogue: "file" {@code name}, the row its position in the DataFrame's order (1-based) and
     * the record index that position less one (zipWithIndex: one job to count each partition's rows).
     */
    public static Source fromDataFrame(Dataset<Row> df, String name) {
        JavaRDD<Row> rows = df.javaRDD().zipWithIndex().map(t -> {
            Row r = t._1();
            Object[] v = new Object[r.length() + 3];
            for (int i = 0; i < r.length(); i++) {
                v[i] = r.get(i);
            }
            v[r.length()] = name;
            v[r.length() + 1] = t._2() + 1;
            v[r.length() + 2] = t._2();
            return RowFactory.create(v);
        });
        StructType schema = df.schema().add(SOURCE_FILE, DataTypes.StringType, false)
                .add(SOURCE_ROW, DataTypes.LongType, false).add(RECORD_INDEX, DataTypes.LongType, false);
        return new Source(df.sparkSession().createDataFrame(rows, schema));
    }

    public static Source open(SparkSession spark, String path, CatalogueFormat format) {
        requireExists(spark, path);
        CatalogueFormat f = format != null ? format : detect(path);
        if (f == CatalogueFormat.PARQUET) {
            return parquet(spark, path);
        }
        if (f == CatalogueFormat.CSV) {
            return new Source(canonicalNames(csv(spark, path)));
        }
        return new Source(withRowNumbers(spark, canonicalNames(geoJson(spark, path)), path));
    }

    /**
     * CSV: the header's column names as Spark's CSV reader gives them, every value as text, and for each record its
     * field count and, when that differs from the header's, its raw line ({@link #MALFORMED_LINE}): see
     * {@link CsvLines}. Two passes over the text: the lines of each file split, then the records.
     */
    private static Dataset<Row> csv(SparkSession spark, String path) {
        String[] names = spark.read().option("header", "true").option("inferSchema", "false").csv(path).schema().fieldNames();
        JavaRDD<Row> lines = spark.read().text(path).select(col("value"), col("_metadata.file_path"),
                col("_metadata.file_block_start")).javaRDD();
        List<CsvLines.Block> blocks = SparkSessions.describe(spark, "Read " + path + ": lines of each file split",
                () -> lines.mapPartitions(CsvLines::count).collect());
        for (CsvLines.Block b : blocks) {
            if (b.binary()) {
                throw new UserInputException(CatalogueFiles.display(b.file()) + " is not CSV text: it holds binary data"
                        + CatalogueFiles.formatHint(new Path(b.file()), spark.sparkContext().hadoopConfiguration(),
                        CatalogueFormat.CSV));
            }
        }
        CsvLines.Offsets offsets = CsvLines.Offsets.of(blocks);
        int n = names.length;
        JavaRDD<Row> records = lines.mapPartitions(it -> CsvLines.records(it, offsets, n));
        StructType schema = new StructType();
        for (String name : names) {
            schema = schema.add(name, DataTypes.StringType);
        }
        schema = schema.add(SOURCE_FILE, DataTypes.StringType, false).add(SOURCE_ROW, DataTypes.LongType, false)
                .add(RECORD_INDEX, DataTypes.LongType, false).add(SOURCE_FIELDS, DataTypes.IntegerType, false)
                .add(MALFORMED_LINE, DataTypes.StringType, true);
        return spark.createDataFrame(records, schema);
    }

    /**
     * Parquet: the row within its file is the reader's own {@code _metadata.row_index}, and each file's first
     * record index is the sum of the row counts of the files before it in path order, read from the files' footers
     * on the driver (a few ms a file; no Spark job).
     */
    private static Source parquet(SparkSession spark, String path) {
        // every footer is read on the driver first: a stray or truncated file is one message, not a failed Spark task
        var conf = spark.sparkContext().hadoopConfiguration();
        long t0 = System.nanoTime();
        List<Path> files = CatalogueFiles.list(path, conf).stream()
                .filter(p -> !p.getName().equals("_metadata") && !p.getName().equals("_common_metadata")).toList();
        if (files.isEmpty()) {
            throw new UserInputException("the catalogue " + path + " is empty: it holds no data files (names starting "
                    + "with _ or . are skipped)");
        }
        Path catalogue;
        try {
            catalogue = new Path(path).getFileSystem(conf).makeQualified(new Path(path));
        } catch (IOException e) {
            throw new UserInputException("cannot read the catalogue " + path + ": " + e.getMessage(), e);
        }
        long listed = System.nanoTime();
        Map<String, ParquetFooters.Footer> known = ParquetFooters.read(files.stream().map(Path::toString)
                .toArray(String[]::new), conf, Map.of(), catalogue);
        long footersRead = System.nanoTime();
        Dataset<Row> raw;
        try {
            raw = hasSummaryFiles(catalogue, conf) ? spark.read().parquet(path)
                    // files.get(0): CatalogueFiles lists in path order, the order in which Spark picks the file it reads
                    : spark.read().schema(ParquetFooters.sparkSchema(files.get(0).toString(), conf, spark)).parquet(path);
        } catch (Exception e) { // SparkException is checked, yet thrown by Scala code
            throw CatalogueFiles.translate(e);
        }
        long opened = System.nanoTime();
        Map<String, ParquetFooters.Footer> footers = ParquetFooters.read(raw.inputFiles(), conf, known, catalogue);
        LOG.debug("{}: {} files listed in {} ms, footers read in {} ms, Spark's reader made in {} ms, its files "
                + "matched in {} ms", path, files.size(), (listed - t0) / 1_000_000, (footersRead - listed) / 1_000_000,
                (opened - footersRead) / 1_000_000, (System.nanoTime() - opened) / 1_000_000);
        Map<String, Long> offsets = new TreeMap<>();
        long next = 0;
        for (Map.Entry<String, ParquetFooters.Footer> e : footers.entrySet()) {
            offsets.put(e.getKey(), next);
            next += e.getValue().rows();
        }
        Dataset<Row> rows = canonicalNames(raw.withColumn(SOURCE_FILE, col("_metadata.file_path"))
                .withColumn(SOURCE_ROW, col("_metadata.row_index").plus(1)));
        return new Source(rows, offsets, footers, raw);
    }

    /** A folder with Parquet summary files, from which Spark infers the schema instead of from the first data file. */
    private static boolean hasSummaryFiles(Path catalogue, org.apache.hadoop.conf.Configuration conf) {
        try {
            FileSystem fs = catalogue.getFileSystem(conf);
            return fs.exists(new Path(catalogue, "_common_metadata")) || fs.exists(new Path(catalogue, "_metadata"));
        } catch (IOException | IllegalArgumentException e) { // a glob or a file: no folder of summaries
            return false;
        }
    }

    private static void requireExists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.globStatus(p) == null || fs.globStatus(p).length == 0) {
                throw new UserInputException("catalogue not found: " + path);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read the catalogue " + path + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) { // Hadoop's refusal of the string ("" or "a:b")
            throw new UserInputException("catalogue not found: '" + path + "' is not a valid path: " + e.getMessage());
        }
    }

    /**
     * A GeoJSON FeatureCollection: one row per feature (its row is its 1-based number in the file), properties
     * flattened, coordinates [lon, lat, depth]. Whatever shape the features take (no features, null geometries or
     * properties, points of any length), the result is the catalogue's records with missing values where a value is
     * missing, or one message saying what is wrong: never a crash on a type Spark inferred.
     */
    private static Dataset<Row> geoJson(SparkSession spark, String path) {
        // PERMISSIVE: a file that is not JSON becomes a corrupt record, named here, rather than a failed Spark task
        Dataset<Row> doc = spark.read().option("multiLine", "true").option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT).json(path).withColumn(SOURCE_FILE, col("_metadata.file_path"));
        requireJson(spark, doc, path);
        if (!List.of(doc.columns()).contains("features")) {
            throw new UserInputException(path + " is not a GeoJSON FeatureCollection (no 'features')");
        }
        DataType featuresType = doc.schema().apply("features").dataType();
        if (!(featuresType instanceof ArrayType array) || !(array.elementType() instanceof StructType feature)) {
            // Spark types "features": [] (or null) as array<string> (or string): no feature to read
            long n = featuresType instanceof ArrayType
                    ? doc.select(functions.explode(col("features")).as("f")).where(col("f").isNotNull()).count()
                    : doc.where(col("features").isNotNull()).count();
            if (n == 0) {
                throw new UserInputException("the catalogue " + path + " is empty: its GeoJSON 'features' list holds no features");
            }
            throw new UserInputException(path + " is not a GeoJSON FeatureCollection: " + (featuresType instanceof ArrayType a
                    ? "its 'features' are " + a.elementType().simpleString() + " values, not Feature objects"
                    : "its 'features' is a " + featuresType.simpleString() + ", not a list of Feature objects"));
        }
        Dataset<Row> f = doc.select(functions.explode(col("features")).as("f"), col(SOURCE_FILE));
        List<Column> cols = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        List<String> fields = List.of(feature.fieldNames());
        if (fields.contains("id")) {
            cols.add(col("f.id").cast(DataTypes.StringType).as("id"));
            taken.add("id");
        }
        if (fields.contains("geometry")) {
            // RFC 7946: [lon, lat] or [lon, lat, depth]; a shorter point, or a null geometry, reads as missing values
            Column point = coordinates(feature.apply("geometry").dataType());
            Column none = functions.lit(null).cast(DataTypes.DoubleType);
            cols.add((point == null ? none : functions.get(point, functions.lit(0))).as("longitude"));
            cols.add((point == null ? none : functions.get(point, functions.lit(1))).as("latitude"));
            cols.add((point == null ? none : functions.get(point, functions.lit(2))).as("depth"));
            taken.addAll(List.of("longitude", "latitude", "depth"));
        }
        if (fields.contains("properties") && feature.apply("properties").dataType() instanceof StructType props) {
            for (StructField p : props.fields()) {
                Column c = col("f.properties.`" + p.name().replace("`", "``") + "`");
                boolean millis = (p.name().equals("time") || p.name().equals("updated"))
                        && p.dataType().equals(DataTypes.LongType);
                // a property that would take the name of the id or of a coordinate is kept under its own name
                String canonical = ALIASES.getOrDefault(p.name().toLowerCase(Locale.ROOT), p.name());
                String name = taken.contains(canonical) ? "properties_" + p.name() : p.name();
                taken.add(canonical);
                cols.add((millis ? functions.timestamp_millis(c) : c).as(name));
            }
        }
        cols.add(col(SOURCE_FILE));
        return f.select(cols.toArray(new Column[0]));
    }

    private static final String CORRUPT = "_corrupt_record";

    /** Refuses a GeoJSON catalogue with a file that is not JSON, naming the first such file (and what it looks like). */
    private static void requireJson(SparkSession spark, Dataset<Row> doc, String path) {
        List<String> columns = List.of(doc.columns());
        if (!columns.contains(CORRUPT)) {
            return;
        }
        String other = columns.stream().filter(c -> !c.equals(CORRUPT) && !c.equals(SOURCE_FILE)).findFirst().orElse(null);
        String file;
        if (other == null) { // no file read as JSON: the first one is named (Spark refuses a query of the corrupt column alone)
            String[] files = doc.inputFiles();
            java.util.Arrays.sort(files);
            file = files.length == 0 ? path : files[0];
        } else {
            List<Row> bad = SparkSessions.describe(spark, "Read " + path + ": files that are not JSON", () ->
                    doc.where(col(CORRUPT).isNotNull()).select(col(SOURCE_FILE), col("`" + other + "`"))
                            .orderBy(SOURCE_FILE).limit(1).collectAsList());
            if (bad.isEmpty()) {
                return;
            }
            file = bad.get(0).getString(0);
        }
        throw new UserInputException(CatalogueFiles.display(file) + " is not GeoJSON: it is not valid JSON"
                + CatalogueFiles.formatHint(new Path(file), spark.sparkContext().hadoopConfiguration(), CatalogueFormat.GEOJSON));
    }

    /** A geometry's coordinates when it is a struct with a coordinates array; else null (no point in any feature). */
    private static Column coordinates(DataType geometry) {
        if (geometry instanceof StructType g && List.of(g.fieldNames()).contains("coordinates")
                && g.apply("coordinates").dataType() instanceof ArrayType) {
            return col("f.geometry.coordinates");
        }
        return null;
    }

    /** Renames columns to their ComCat names (case-insensitive, aliases); the first column to claim a name keeps it. */
    private static Dataset<Row> canonicalNames(Dataset<Row> df) {
        String[] names = df.columns();
        List<String> targets = canonicalTargets(names);
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            cols.add(col("`" + names[i] + "`").as(targets.get(i)));
        }
        return df.select(cols.toArray(new Column[0]));
    }

    /** The name each column is read under, in column order. */
    private static List<String> canonicalTargets(String[] columns) {
        List<String> taken = new ArrayList<>();
        for (String name : columns) {
            String canonical = ALIASES.get(name.toLowerCase(Locale.ROOT));
            taken.add(canonical != null && !taken.contains(canonical) ? canonical : name);
        }
        return taken;
    }

    /**
     * Adds the record index (zipWithIndex: the scan keeps each file's records in order, and a file's splits stay
     * in order) and the row within its file: the index minus the file's first index, plus one.
     */
    private static Dataset<Row> withRowNumbers(SparkSession spark, Dataset<Row> df, String path) {
        int fileIdx = df.schema().fieldIndex(SOURCE_FILE);
        JavaPairRDD<Row, Long> indexed = df.javaRDD().zipWithIndex();
        Map<String, Long> first = SparkSessions.describe(spark, "Read " + path + ": first record of each file",
                () -> indexed.mapToPair(t -> new Tuple2<>(String.valueOf(t._1().get(fileIdx)), t._2()))
                        .reduceByKey(Math::min).collectAsMap());
        Map<String, Long> firstIndex = new java.util.HashMap<>(first);
        JavaRDD<Row> rows = indexed.map(t -> {
            Row r = t._1();
            Object[] v = new Object[r.length() + 2];
            for (int i = 0; i < r.length(); i++) {
                v[i] = r.get(i);
            }
            v[r.length()] = t._2() - firstIndex.get(String.valueOf(r.get(fileIdx))) + 1;
            v[r.length() + 1] = t._2();
            return RowFactory.create(v);
        });
        StructType schema = df.schema().add(SOURCE_ROW, DataTypes.LongType, false).add(RECORD_INDEX, DataTypes.LongType, false);
        return spark.createDataFrame(rows, schema);
    }
}
