package org.sparkvi.cli;

import org.sparkvi.spark.SparkSessions;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.io.CatalogueConverter;
import org.sparkvi.io.CatalogueFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkvi convert}: a ComCat CSV or GeoJSON catalogue to Parquet, with the ComCat columns typed. */
@Command(name = "convert", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Writes a catalogue (ComCat CSV, GeoJSON or Parquet) as Parquet with the ComCat column names and "
                + "types (time and updated as timestamps, measurements as doubles, counts as integers).",
                "A value that cannot be typed stops the conversion with its file, row, column and value; nothing is written."})
public final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "the catalogue to convert")
    String input;
    @Option(names = "--output", required = true, description = "the Parquet folder to write (replaced atomically)")
    String output;
    @Option(names = "--format", description = "input format: ${COMPLETION-CANDIDATES} (default: from the file name)")
    CatalogueFormat format;
    @picocli.CommandLine.Mixin
    JobOptions job = new JobOptions();

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.getOrCreate("sparkvi convert", job.master());
        long rows = CatalogueConverter.convert(spark, BundledPaths.resolve(input), format,
                new org.sparkvi.io.OutputRequest(output, "convert", job.overwrite(), java.util.List.of(input)));
        System.out.printf("converted %s: %d rows written to %s%n", input, rows, output);
        return 0;
    }
}
