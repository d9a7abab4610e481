package org.sparkvi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.UserInputException;

/** The readers map Parquet, ComCat CSV and GeoJSON to one schema, number rows per file, and keep bad values as written. */
class CatalogueReaderTest {
    @TempDir
    static Path dir;
    static SparkSession spark;

    static final String CSV = """
            time,latitude,longitude,depth,mag,magType,nst,gap,dmin,rms,net,id,updated,place,type
            2018-02-07T01:26:13.840Z,34.4945,-118.6671667,26.49,2,ml,7,44,0.07,0.21,ci,ci37868143,2018-02-07T01:29:53.466Z,"4km W of Castaic, CA",earthquake
            2018-02-07T01:13:57.750Z,34.12,-118.0873333,9.72,1.6,ml,5,126,0.03,0.17,ci,ci37868135,2018-02-07T01:17:33.930Z,"2km E of San Marino, CA",earthquake
            2018-02-07T01:01:13.890Z,abc,-116.7943333,5.04,0.54,ml,24,57,0.05,0.19,ci,ci37868127,2018-02-07T01:04:48.600Z,"11km NE of Aguanga, CA",earthquake
            """;

    static final String GEOJSON = """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","id":"ci37868143","properties":{"mag":2,"place":"4km W of Castaic, CA","time":1517966773840,"nst":7,"magType":"ml","sig":62},"geometry":{"type":"Point","coordinates":[-118.6671667,34.4945,26.49]}},
             {"type":"Feature","id":"ci37868135","properties":{"mag":1.6,"place":"2km E of San Marino, CA","time":1517966037750,"nst":5,"magType":"ml","sig":39},"geometry":{"type":"Point","coordinates":[-118.0873333,34.12,9.72]}}
            ]}
            """;

    @BeforeAll
    static void setUp() throws Exception {
        spark = TestSpark.get();
        Files.writeString(dir.resolve("week.csv"), CSV);
        Files.writeString(dir.resolve("week.geojson"), GEOJSON);
    }

    @Test
    void csvKeepsValuesAsWrittenWithRowNumbers() {
        List<Row> rows = CatalogueReader.read(spark, dir.resolve("week.csv").toString(), null)
                .orderBy(CatalogueReader.RECORD_INDEX).collectAsList();
        assertEquals(3, rows.size());
        Row bad = rows.get(2);
        assertEquals("abc", bad.getAs("latitude"), "a bad value is kept as written, not nulled");
        assertEquals(3L, (long) bad.getAs(CatalogueReader.SOURCE_ROW));
        assertTrue(bad.<String>getAs(CatalogueReader.SOURCE_FILE).endsWith("week.csv"));
        assertEquals("4km W of Castaic, CA", rows.get(0).getAs("place"));
    }

    @Test
    void geoJsonAndCsvGiveTheSameCanonicalColumns() {
        Dataset<Row> g = CatalogueReader.read(spark, dir.resolve("week.geojson").toString(), null);
        for (String c : List.of("id", "time", "latitude", "longitude", "depth", "mag", "magType", "nst", "place")) {
            assertTrue(List.of(g.columns()).contains(c), "GeoJSON has " + c);
        }
        Row first = g.orderBy(CatalogueReader.RECORD_INDEX).first();
        assertEquals("ci37868143", first.getAs("id"));
        assertEquals(34.4945, ((Number) first.getAs("latitude")).doubleValue(), 0);
        assertEquals(-118.6671667, ((Number) first.getAs("longitude")).doubleValue(), 0);
        assertEquals(1517966773840L, first.<java.sql.Timestamp>getAs("time").getTime());
        Row csvFirst = CatalogueReader.read(spark, dir.resolve("week.csv").toString(), null)
                .orderBy(CatalogueReader.RECORD_INDEX).first();
        assertEquals(first.<String>getAs("id"), csvFirst.getAs("id"));
        assertEquals(((Number) first.getAs("latitude")).doubleValue(), Double.parseDouble(csvFirst.getAs("latitude")), 0);
    }

    @Test
    void aliasesAreMappedAndRowsAreNumberedPerFile() throws Exception {
        Path multi = dir.resolve("multi");
        Files.createDirectories(multi);
        Files.writeString(multi.resolve("a.csv"), "Lat,LON,Magnitude\n1,2,3\n4,5,6\n");
        Files.writeString(multi.resolve("b.csv"), "Lat,LON,Magnitude\n7,8,9\n10,11,12\n13,14,15\n");
        Dataset<Row> df = CatalogueReader.read(spark, multi.toString(), CatalogueFormat.CSV);
        assertTrue(List.of(df.columns()).containsAll(List.of("latitude", "longitude", "mag")));
        for (Row r : df.collectAsList()) {
            String file = r.getAs(CatalogueReader.SOURCE_FILE);
            double lat = Double.parseDouble(r.getAs("latitude"));
            long expectedRow = file.endsWith("a.csv") ? (long) ((lat - 1) / 3 + 1) : (long) ((lat - 7) / 3 + 1);
            assertEquals(expectedRow, (long) r.getAs(CatalogueReader.SOURCE_ROW), "row of latitude " + lat + " in " + file);
        }
        assertEquals(5, df.select(CatalogueReader.RECORD_INDEX).distinct().count());
    }

    @Test
    void missingCatalogueIsNamed() {
        String missing = dir.resolve("nothing-here.csv").toString();
        UserInputException e = assertThrows(UserInputException.class, () -> CatalogueReader.read(spark, missing, null));
        assertTrue(e.getMessage().contains(missing));
    }

    @Test
    void bundledCatalogueMatchesTheUsgsFeed() throws Exception {
        Dataset<Row> df = CatalogueReader.read(spark, "data/earthquakes.parquet", null);
        assertEquals(1707, df.count());
        // spot checks against the GeoJSON feed's first feature, as published (copied from the feed)
        Row r = df.where("id = 'ci37868143'").first();
        assertEquals(34.4945, r.<Double>getAs("latitude"), 0);
        assertEquals(-118.6671667, r.<Double>getAs("longitude"), 0);
        assertEquals(2.0, r.<Double>getAs("mag"), 0);
        assertEquals(7, (int) r.<Integer>getAs("nst"));
        assertEquals(1517966773840L, r.<java.sql.Timestamp>getAs("time").getTime());
    }

    @Test
    void convertTypesColumnsAndRefusesUntypableValues() {
        String good = dir.resolve("good.csv").toString();
        try {
            Files.writeString(Path.of(good), CSV.lines().limit(3).reduce("", (a, b) -> a + b + "\n"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String out = dir.resolve("converted").toString();
        assertEquals(2, CatalogueConverter.convert(spark, good, null, org.sparkvi.io.OutputRequest.of(out, "convert")));
        Dataset<Row> p = spark.read().parquet(out);
        assertEquals("double", p.schema().apply("latitude").dataType().typeName());
        assertEquals("timestamp", p.schema().apply("time").dataType().typeName());
        assertEquals("integer", p.schema().apply("nst").dataType().typeName());

        String badOut = dir.resolve("converted-bad").toString();
        UserInputException e = assertThrows(UserInputException.class,
                () -> CatalogueConverter.convert(spark, dir.resolve("week.csv").toString(), null, org.sparkvi.io.OutputRequest.of(badOut, "convert")));
        assertTrue(e.getMessage().contains("row 3, column latitude: value 'abc'"), e.getMessage());
        assertTrue(!Files.exists(Path.of(badOut)), "nothing written");
    }
}
