package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.UserInputException;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;
import org.sparkvi.io.Json;

/**
 * A model.json that contradicts itself is refused with one message naming the file and the field; the model as
 * written loads. Each case edits one field of a valid file (K = 2, D = 2, lonlat; ρ = 0.01, α = 1, β = 0.2).
 */
class CaviModelFileTest {
    @TempDir
    Path dir;
    int cases;

    static CaviModel model(PiPrior prior, CoordinateSystem cs) {
        Hyperparameters h = new Hyperparameters(0.5, 0.01, new double[] {-120, 36}, 1.0, 0.2, new double[] {0.5, 0.5},
                prior, 0.5);
        VariationalParameters q = new VariationalParameters(2, 2, new double[] {-121, 35, -119, 37},
                new double[] {50.01, 25.01}, new double[] {301, 151}, new double[] {100.2, 50.2},
                prior == PiPrior.DIRICHLET ? new double[] {100.5, 50.5} : null);
        return CaviModel.of(h, q, cs, StrengthSpec.MAG10, null);
    }

    static final CaviModel LONLAT = model(PiPrior.FIXED, CoordinateSystem.of(CoordinateSystem.Kind.LONLAT));

    /** Writes the model's JSON after {@code edit} and returns what loading it says. */
    String refused(CaviModel m, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(Json.write(m));
        edit.accept(json);
        return refused(Json.write(json));
    }

    String refused(String text) throws Exception {
        Path d = Files.createDirectories(dir.resolve("m" + cases++));
        Files.writeString(d.resolve("model.json"), text);
        UserInputException e = assertThrows(UserInputException.class,
                () -> CaviModel.load(d.toString(), new Configuration()));
        String prefix = d.resolve("model.json") + ": ";
        assertEquals(prefix, e.getMessage().substring(0, Math.min(prefix.length(), e.getMessage().length())),
                "the message names the file: " + e.getMessage());
        return e.getMessage().substring(prefix.length());
    }

    static ObjectNode at(ObjectNode json, String field) {
        return (ObjectNode) json.get(field);
    }

    static ArrayNode numbers(double... v) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    @Test
    void theModelAsWrittenLoadsEqual() throws Exception {
        for (CaviModel m : List.of(LONLAT, model(PiPrior.DIRICHLET, new CoordinateSystem(CoordinateSystem.Kind.LOCAL_KM,
                35.5, -120.25, List.of())), model(PiPrior.FIXED, new CoordinateSystem(CoordinateSystem.Kind.IDENTITY,
                Double.NaN, Double.NaN, List.of("x", "y"))))) {
            Path d = Files.createDirectories(dir.resolve("ok" + cases++));
            Files.writeString(d.resolve("model.json"), Json.write(m));
            assertEquals(m, CaviModel.load(d.toString(), new Configuration()));
        }
    }

    @Test
    void dimensionAgainstTheCoordinateSystem() throws Exception {
        // the probe's case: d and every array say 2-D, the coordinate system is 3-D
        assertEquals("field 'd' is 2 but coords 'ecef' has dimension 3",
                refused(LONLAT, j -> at(j, "coords").put("kind", "ECEF")));
        assertEquals("field 'd' is 3 but coords 'lonlat' has dimension 2", refused(LONLAT, j -> j.put("d", 3)));
        assertEquals("field 'd' is 2 but coords 'identity' (x-columns x) has dimension 1", refused(LONLAT, j -> {
            at(j, "coords").put("kind", "IDENTITY");
            at(j, "coords").set("x_columns", Json.MAPPER.createArrayNode().add("x"));
        }));
        assertEquals("field 'hyperparameters.nu' has 3 values but 'd' is 2",
                refused(LONLAT, j -> at(j, "hyperparameters").set("nu", numbers(1, 2, 3))));
        assertEquals("field 'mean' has 5 values but k x d is 2 x 2 = 4",
                refused(LONLAT, j -> j.set("mean", numbers(1, 2, 3, 4, 5))));
    }

    @Test
    void clusterCountAgainstEveryPerClusterArray() throws Exception {
        assertEquals("field 'hyperparameters.pi' has 2 values but 'k' is 3", refused(LONLAT, j -> j.put("k", 3)));
        assertEquals("field 'k' must be at least 1, got 0", refused(LONLAT, j -> j.put("k", 0)));
        assertEquals("field 'k' must be an integer, got 2.5", refused(LONLAT, j -> j.put("k", 2.5)));
        assertEquals("field 'rho_star' has 3 values but 'k' is 2",
                refused(LONLAT, j -> j.set("rho_star", numbers(60, 60, 60))));
        assertEquals("field 'lambda_shape' has 1 values but 'k' is 2",
                refused(LONLAT, j -> j.set("lambda_shape", numbers(5))));
        assertEquals("field 'lambda_rate' has 3 values but 'k' is 2",
                refused(LONLAT, j -> j.set("lambda_rate", numbers(1, 1, 1))));
        CaviModel dir = model(PiPrior.DIRICHLET, CoordinateSystem.of(CoordinateSystem.Kind.LONLAT));
        assertEquals("field 'dirichlet' has 3 values but 'k' is 2",
                refused(dir, j -> j.set("dirichlet", numbers(1, 1, 1))));
    }

    @Test
    void posteriorValuesArePositiveFiniteAndNotBelowTheirPrior() throws Exception {
        assertEquals("field 'rho_star[1]' must be a positive finite number, got -1.0",
                refused(LONLAT, j -> j.set("rho_star", numbers(50.01, -1))));
        assertEquals("field 'rho_star[0]' is 0.001, below hyperparameters.rho = 0.01 (rho*_k = rho + tau N_k cannot be smaller)",
                refused(LONLAT, j -> j.set("rho_star", numbers(0.001, 25.01))));
        assertEquals("field 'lambda_shape[0]' must be a positive finite number, got NaN",
                refused(LONLAT, j -> j.set("lambda_shape", Json.MAPPER.createArrayNode().add("NaN").add(151))));
        assertEquals("field 'lambda_shape[1]' is 0.5, below hyperparameters.alpha = 1.0 (a_k = alpha + SS_k cannot be smaller)",
                refused(LONLAT, j -> j.set("lambda_shape", numbers(301, 0.5))));
        assertEquals("field 'lambda_rate[0]' must be a positive finite number, got Infinity",
                refused(LONLAT, j -> j.set("lambda_rate", Json.MAPPER.createArrayNode().add("Infinity").add(50.2))));
        assertEquals("field 'lambda_rate[1]' is 0.1, below hyperparameters.beta = 0.2 (b_k = beta + N_k cannot be smaller)",
                refused(LONLAT, j -> j.set("lambda_rate", numbers(100.2, 0.1))));
        assertEquals("field 'mean[3]' must be a finite number, got NaN",
                refused(LONLAT, j -> ((ArrayNode) j.get("mean")).set(3, Json.MAPPER.getNodeFactory().textNode("NaN"))));
        CaviModel dir = model(PiPrior.DIRICHLET, CoordinateSystem.of(CoordinateSystem.Kind.LONLAT));
        assertEquals("field 'dirichlet[1]' is 0.25, below hyperparameters.pi_concentration = 0.5 (gamma_k = c + N_k cannot be smaller)",
                refused(dir, j -> j.set("dirichlet", numbers(100.5, 0.25))));
    }

    @Test
    void hyperparameters() throws Exception {
        assertEquals("field 'hyperparameters.tau' must be a positive finite number, got 0.0",
                refused(LONLAT, j -> at(j, "hyperparameters").put("tau", 0.0)));
        assertEquals("field 'hyperparameters.rho' must be a positive finite number, got Infinity",
                refused(LONLAT, j -> at(j, "hyperparameters").put("rho", "Infinity")));
        assertEquals("field 'hyperparameters.alpha' must be a number, got \"1\"",
                refused(LONLAT, j -> at(j, "hyperparameters").put("alpha", "1")));
        assertEquals("field 'hyperparameters.beta' is missing",
                refused(LONLAT, j -> at(j, "hyperparameters").remove("beta")));
        assertEquals("field 'hyperparameters.nu[1]' must be a finite number, got NaN",
                refused(LONLAT, j -> at(j, "hyperparameters").set("nu",
                        Json.MAPPER.createArrayNode().add(-120).add("NaN"))));
        assertEquals("field 'hyperparameters.pi' sums to 1.1, not 1 (within 1e-9)",
                refused(LONLAT, j -> at(j, "hyperparameters").set("pi", numbers(0.5, 0.6))));
        assertEquals("field 'hyperparameters.pi[0]' must be a positive finite number, got 0.0",
                refused(LONLAT, j -> at(j, "hyperparameters").set("pi", numbers(0, 1))));
        assertEquals("field 'hyperparameters.pi_prior' is 'UNIFORM', not FIXED or DIRICHLET",
                refused(LONLAT, j -> at(j, "hyperparameters").put("pi_prior", "UNIFORM")));
        CaviModel dir = model(PiPrior.DIRICHLET, CoordinateSystem.of(CoordinateSystem.Kind.LONLAT));
        assertEquals("field 'hyperparameters.pi_concentration' must be a positive finite number, got -1.0",
                refused(dir, j -> at(j, "hyperparameters").put("pi_concentration", -1.0)));
        assertEquals("field 'dirichlet' is null but hyperparameters.pi_prior is DIRICHLET (q(pi) = Dir(gamma) needs gamma)",
                refused(dir, j -> j.putNull("dirichlet")));
        assertEquals("field 'dirichlet' is given but hyperparameters.pi_prior is FIXED (pi is a constant: no q(pi))",
                refused(LONLAT, j -> j.set("dirichlet", numbers(100.5, 50.5))));
        assertEquals("field 'hyperparameters.tua' is not one this file may have (hyperparameters: tau, rho, nu, alpha, "
                        + "beta, pi, pi_prior, pi_concentration)",
                refused(LONLAT, j -> at(j, "hyperparameters").put("tua", 1.0)));
    }

    @Test
    void coordinateSystemFields() throws Exception {
        assertEquals("field 'coords.kind' is 'MERCATOR', not one of [LONLAT, LOCAL_KM, ECEF, IDENTITY, RADIAL, HYPOCENTER]",
                refused(LONLAT, j -> at(j, "coords").put("kind", "MERCATOR")));
        CaviModel local = model(PiPrior.FIXED, new CoordinateSystem(CoordinateSystem.Kind.LOCAL_KM, 35.5, -120.25, List.of()));
        assertEquals("field 'coords.ref_latitude' is NaN but coords 'local-km' needs a reference latitude in [-90, 90]",
                refused(local, j -> at(j, "coords").put("ref_latitude", "NaN")));
        assertEquals("field 'coords.ref_longitude' is 200.0 but coords 'local-km' needs a reference longitude in [-180, 180]",
                refused(local, j -> at(j, "coords").put("ref_longitude", 200.0)));
        assertEquals("field 'coords.ref_latitude' is 35.0 but coords 'lonlat' has no reference point (NaN)",
                refused(LONLAT, j -> at(j, "coords").put("ref_latitude", 35.0)));
        assertEquals("field 'coords.x_columns' is [a, b] but coords 'lonlat' reads no x-columns",
                refused(LONLAT, j -> at(j, "coords").set("x_columns", Json.MAPPER.createArrayNode().add("a").add("b"))));
        assertEquals("field 'coords.x_columns' has 0 names but coords 'identity' needs 1 to 3",
                refused(LONLAT, j -> at(j, "coords").put("kind", "IDENTITY")));
        assertEquals("field 'coords.x_columns[0]' must be a non-empty string, got 7",
                refused(LONLAT, j -> at(j, "coords").set("x_columns", Json.MAPPER.createArrayNode().add(7))));
    }

    @Test
    void strengthWeightsAndTheFileItself() throws Exception {
        assertEquals("field 'strength.column' is 'nst' but strength.mag10 is true, which reads the column 'mag'",
                refused(LONLAT, j -> at(j, "strength").put("column", "nst")));
        assertEquals("field 'strength.mag10' must be true or false, got \"yes\"",
                refused(LONLAT, j -> at(j, "strength").put("mag10", "yes")));
        assertEquals("field 'strength.column' is missing", refused(LONLAT, j -> at(j, "strength").remove("column")));
        assertEquals("field 'weight_column' must be a non-empty string, got \"\"",
                refused(LONLAT, j -> j.put("weight_column", "")));
        assertEquals("field 'version' is 2 but this sparkvi reads version 1", refused(LONLAT, j -> j.put("version", 2)));
        assertEquals("not a sparkvi CAVI model (field 'format' is \"sparkvi-vae-model\", not 'sparkvi-cavi-model')",
                refused(LONLAT, j -> j.put("format", "sparkvi-vae-model")));
        assertEquals("field 'tau' is not one this file may have (top level: format, version, hyperparameters, k, d, mean, "
                        + "rho_star, lambda_shape, lambda_rate, dirichlet, coords, strength, weight_column)",
                refused(LONLAT, j -> j.put("tau", 1.0)));
        String notJson = refused("{\"format\": \"sparkvi-cavi-model\", ");
        assertEquals("not valid JSON (", notJson.substring(0, "not valid JSON (".length()), notJson);
        assertEquals("not a JSON object", refused("[1, 2]"));
    }
}
