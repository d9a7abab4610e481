package org.sparkvi.sampling;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.FailedCheckException;
import org.sparkvi.spark.FaultInjection;
import org.sparkvi.spark.OrderedTreeAggregate;
import org.sparkvi.spark.SparkSessions;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.OutputRequest;
import org.sparkvi.io.Rows;
import org.sparkvi.report.HistogramPlot;
import org.sparkvi.io.Json;

/**
 * Draws n values of a law both ways as a distributed Dataset (index, direct, reparameterized[, relaxed]), written as
 * Parquet, then summarises every draw in a second pass and tests the laws. The value at each index depends only on
 * (seed, index), so the Dataset is the same for any number of partitions.
 */
public final class SampleJob {
    public static final long MAX_N = 1_000_000_000_000L;
    static final int KS_SAMPLE = 100_000;
    static final int BINS = 80;

    private SampleJob() {
    }

    public static StructType schema(Law law) {
        StructType s = new StructType().add("index", DataTypes.LongType, false);
        if (law instanceof Law.Categorical) {
            return s.add("direct", DataTypes.IntegerType, false).add("reparameterized", DataTypes.IntegerType, false)
                    .add("relaxed", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        }
        return s.add("direct", DataTypes.DoubleType, false).add("reparameterized", DataTypes.DoubleType, false);
    }

    /** The samples as a Dataset over {@code spark.range(n)} split into {@code partitions}. */
    public static Dataset<Row> dataset(SparkSession spark, Law law, long n, int partitions, long seed) {
        Draws draws = new Draws(law, seed);
        double temperature = law instanceof Law.Categorical c ? c.temperature() : 0;
        int k = law instanceof Law.Categorical c ? c.k() : 0;
        MapPartitionsFunction<Long, Row> f = (Iterator<Long> it) -> {
            FaultInjection.maybeFail("sample generation");
            return new Iterator<Row>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Row next() {
                    long i = it.next();
                    if (k > 0) {
                        double[] y = new double[k];
                        int hard = draws.gumbelCategory(i, temperature, y);
                        return RowFactory.create(i, draws.directCategory(i), hard, Rows.boxed(y));
                    }
                    return RowFactory.create(i, draws.directContinuous(i), draws.reparameterizedContinuous(i));
                }
            };
        };
        return spark.range(0, n, 1, partitions).as(Encoders.LONG()).mapPartitions(f, Encoders.row(schema(law)));
    }

    /** Every draw summarised in one pass over index ranges, merged in a fixed order. */
    public static SampleSummary summarise(SparkSession spark, Law law, long n, int partitions, long seed) {
        List<long[]> ranges = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ranges.add(new long[] {n * p / partitions, n * (p + 1) / partitions});
        }
        JavaRDD<long[]> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ranges, partitions);
        double temperature = law instanceof Law.Categorical c ? c.temperature() : 0;
        return SparkSessions.describe(spark, "Summarise " + n + " " + law.name() + " draws (moments, histograms, counts)",
                () -> OrderedTreeAggregate.aggregate(rdd, () -> new SampleSummary(law, BINS), (s, r) -> {
                    FaultInjection.maybeFail("sample summary");
                    return s.addRange(new Draws(law, seed), r[0], r[1], temperature);
                }, SampleSummary::merge, 64));
    }

    /** The report of a summary; for a continuous law the KS samples are the first min(n, 100,000) indices. */
    static SampleReport report(Law law, long n, int partitions, long seed, SampleSummary s, double seconds) {
        if (law instanceof Law.Categorical c) {
            return SampleReport.categorical(c, n, seed, partitions, s, seconds);
        }
        int m = (int) Math.min(n, KS_SAMPLE);
        Draws d = new Draws(law, seed);
        double[] a = new double[m];
        double[] b = new double[m];
        for (int i = 0; i < m; i++) {
            a[i] = d.directContinuous(i);
            b[i] = d.reparameterizedContinuous(i);
        }
        return SampleReport.continuous(law, n, seed, partitions, s, a, b, seconds);
    }

    /** n from 1 to {@link #MAX_N}. */
    public static void checkSize(long n) {
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("--n must be between 1 and " + MAX_N + ", got " + n);
        }
    }

    public static SampleReport run(SparkSession spark, Law law, long n, int partitions, long seed, OutputRequest output) {
        checkSize(n);
        if (partitions < 1 || partitions > 100_000) {
            throw new IllegalArgumentException("--partitions must be between 1 and 100000, got " + partitions);
        }
        long t0 = System.nanoTime();
        try (AtomicOutput out = new AtomicOutput(output, spark.sparkContext().hadoopConfiguration())) {
            SparkSessions.describe(spark, "Draw " + n + " " + law.name() + " samples both ways and write samples.parquet",
                    () -> dataset(spark, law, n, partitions, seed).write().mode(SaveMode.ErrorIfExists)
                            .parquet(out.path("samples.parquet")));
            SampleSummary s = summarise(spark, law, n, partitions, seed);
            SampleReport report = report(law, n, partitions, seed, s, (System.nanoTime() - t0) / 1e9);
            if (!report.nonFinite().isEmpty()) {
                System.out.print(report.text());
                throw new FailedCheckException("the report has NaN or infinite statistics: "
                        + String.join(", ", report.nonFinite()) + "; " + output.path() + " was left as it was");
            }
            if (law instanceof Law.Categorical c) {
                out.writeBytes("histogram.png", HistogramPlot.categorical(c.probs(), s.directCounts, s.gumbelCounts,
                        "Categorical " + java.util.Arrays.toString(c.probs()) + ", " + n + " draws each way"));
            } else {
                out.writeBytes("histogram.png", HistogramPlot.continuous(s.binLow(), s.binHigh(), s.directHistogram,
                        s.reparameterizedHistogram, n, SampleReport.exact(law)::density,
                        law.name() + " " + SampleReport.parameters(law).toString().replace('{', '(').replace('}', ')') + ", " + n + " draws each way"));
            }
            out.writeString("report.json", Json.write(report));
            out.commit();
            System.out.print(report.text());
            System.out.println("outputs in " + out.target());
            return report;
        }
    }
}
