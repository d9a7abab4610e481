package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

/**
 * Radial coordinates (the assignment's alternative 2): X = log R with R the great-circle distance from a station.
 * With K = 1 the fit is exact and its ELBO must be the log evidence of the distances themselves:
 * log p(R) = log p_X(log R) − Σ log R (the Jacobian), computed here independently in closed form.
 */
class RadialCoordinatesTest {
    static final double STATION_LAT = 35.0;
    static final double STATION_LON = -118.0;

    @TempDir
    Path dir;

    @Test
    void k1ElboIsTheLogEvidenceOfTheDistancesWithTheJacobian() {
        SparkSession spark = TestSpark.get();
        Random rnd = new Random(9);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            double lat = STATION_LAT + rnd.nextGaussian() * 2;
            double lon = STATION_LON + rnd.nextGaussian() * 2;
            rows.add(RowFactory.create("e" + i, lat, lon, (long) rnd.nextInt(12)));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
                .add("longitude", DataTypes.DoubleType).add("nst", DataTypes.LongType);
        String path = dir.resolve("radial.parquet").toString();
        spark.createDataFrame(rows, schema).write().parquet(path);

        CoordinateSystem cs = new CoordinateSystem(CoordinateSystem.Kind.RADIAL, STATION_LAT, STATION_LON, List.of());
        LoadedCatalogue cat = CatalogueLoader.load(spark, new CatalogueLoader.Request(path, null, cs,
                StrengthSpec.column("nst"), null, 3, true));
        double tau = 3.0;
        double rho = 0.5;
        double nu = 4.0;
        double alpha = 2.0;
        double beta = 0.3;
        HyperparameterSpec spec = new HyperparameterSpec(tau, rho, new double[] {nu}, alpha, beta, null, PiPrior.FIXED, null);
        CaviResult r = new CaviEstimator(CaviOptions.defaults().withK(1).withRestarts(1), spec, CaviListener.NONE)
                .fit(spark, cat.blocks(), cat.used(), cat.coords(), StrengthSpec.column("nst"), null, null);
        cat.release();

        // independent closed form: log X ~ N(ν1, τ⁻¹I + ρ⁻¹11ᵀ); S ~ Poisson–Gamma; minus Σ log R
        int n = rows.size();
        double sq = 0;
        double sum = 0;
        double sumLogR = 0;
        double sumS = 0;
        double logFact = 0;
        for (Row row : rows) {
            double dist = CoordinateSystem.greatCircleKm(row.getDouble(1), row.getDouble(2), STATION_LAT, STATION_LON);
            double y = Math.log(dist) - nu;
            sq += y * y;
            sum += y;
            sumLogR += Math.log(dist);
            long s = row.getLong(3);
            sumS += s;
            logFact += Gamma.logGamma(s + 1.0);
        }
        double logDet = n * Math.log(1 / tau) + Math.log(1 + n * tau / rho);
        double quad = tau * sq - tau * tau / rho * sum * sum / (1 + n * tau / rho);
        double logPX = -0.5 * n * Math.log(2 * Math.PI) - 0.5 * logDet - 0.5 * quad;
        double logPS = Gamma.logGamma(alpha + sumS) - Gamma.logGamma(alpha) + alpha * Math.log(beta)
                - (alpha + sumS) * Math.log(beta + n) - logFact;
        double expected = logPX - sumLogR + logPS;
        assertEquals(expected, r.best().elbo(), 1e-9 * Math.abs(expected));
        assertTrue(r.model().mean(0)[0] > 0, "log-distance of the centre");
    }
}
