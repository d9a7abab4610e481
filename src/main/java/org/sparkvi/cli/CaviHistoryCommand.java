package org.sparkvi.cli;

import org.sparkvi.UserInputException;
import org.sparkvi.spark.SparkSessions;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkvi cavi-history}: adds one day's clusters to a history table partitioned by {@code date}, replacing
 * that day's partition only, so a rerun for the same date is idempotent and trends can be read across days.
 */
@Command(name = "cavi-history", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Appends a cavi run's clusters (clusters.parquet) to a history table partitioned by date; a rerun "
                + "for the same date replaces that date's rows.")
public final class CaviHistoryCommand implements Callable<Integer> {
    @Option(names = "--clusters", required = true, description = "a cavi output folder (its clusters.parquet is read)")
    String clusters;
    @Option(names = "--history", required = true, description = "the history table (Parquet folder, partitioned by date)")
    String history;
    @Option(names = "--date", required = true, description = "the run's date, YYYY-MM-DD")
    String date;
    @picocli.CommandLine.Mixin
    MasterOption master = new MasterOption();
    @picocli.CommandLine.Mixin
    ConfigOption config = new ConfigOption();

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.getOrCreate("sparkvi cavi-history", master.value());
        long n = append(spark, clusters, history, date);
        System.out.printf("history %s: %d clusters for %s%n", history, n, date);
        return 0;
    }

    public static long append(SparkSession spark, String clustersDir, String history, String date) {
        try {
            LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new UserInputException("--date must be YYYY-MM-DD, got '" + date + "'");
        }
        String path = clustersDir.endsWith(".parquet") ? clustersDir : clustersDir + "/clusters.parquet";
        if (!exists(spark, path)) {
            throw new UserInputException("no clusters.parquet at " + clustersDir);
        }
        Dataset<Row> day = spark.read().parquet(path).withColumn("date", functions.lit(date));
        // Spark commits each partition through a staging folder; dynamic mode replaces only date=... of this run
        String before = spark.conf().get("spark.sql.sources.partitionOverwriteMode");
        spark.conf().set("spark.sql.sources.partitionOverwriteMode", "dynamic");
        try {
            SparkSessions.describe(spark, "Append the clusters of " + date + " to the history " + history, () ->
                    day.write().mode(SaveMode.Overwrite).partitionBy("date").parquet(history));
        } finally {
            spark.conf().set("spark.sql.sources.partitionOverwriteMode", before);
        }
        return day.count();
    }

    private static boolean exists(SparkSession spark, String path) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
