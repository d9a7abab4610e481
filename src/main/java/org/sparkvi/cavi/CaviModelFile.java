package org.sparkvi.cavi;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;
import org.sparkvi.io.JsonFields;

/**
 * Reads a saved model.json and checks every field against every other before the model is used, so that an edited
 * or damaged file is refused with its file and field named (a model that contradicts itself would still assign
 * events, wrongly). A fitted model satisfies, by the M-step ({@link GlobalUpdate}) with N_k, SS_k ≥ 0:
 * <ul>
 * <li>D is the coordinate system's dimension; ν and each m_k have D values; π, ρ*, a, b (and γ) have K values;</li>
 * <li>τ, ρ, α, β positive and finite (c too, with the Dirichlet prior); π positive, summing to 1;</li>
 * <li>ρ*_k = ρ + τ N_k ≥ ρ, a_k = α + SS_k ≥ α, b_k = β + N_k ≥ β, γ_k = c + N_k ≥ c;</li>
 * <li>γ is there exactly when π has the Dirichlet prior;</li>
 * <li>local-km and radial have a reference point (a latitude and longitude), the others none (NaN); only identity has
 * x-columns, 1 to 3 of them;</li>
 * <li>mag10 strength reads the column mag.</li>
 * </ul>
 */
final class CaviModelFile {
    static final int VERSION = 1;
    static final List<String> FIELDS = List.of("format", "version", "hyperparameters", "k", "d", "mean", "rho_star",
            "lambda_shape", "lambda_rate", "dirichlet", "coords", "strength", "weight_column");
    static final List<String> HYPERPARAMETERS = List.of("tau", "rho", "nu", "alpha", "beta", "pi", "pi_prior",
            "pi_concentration");
    static final List<String> COORDS = List.of("kind", "ref_latitude", "ref_longitude", "x_columns");
    static final List<String> STRENGTH = List.of("column", "mag10");

    private CaviModelFile() {
    }

    static CaviModel read(String file, String text) {
        JsonFields f = new JsonFields(file, text);
        if (!f.has("format") || !CaviModel.FORMAT.equals(f.node("format").asText(null))) {
            throw f.error("not a sparkvi CAVI model (field 'format' is "
                    + (f.has("format") ? f.node("format") : "missing") + ", not '" + CaviModel.FORMAT + "')");
        }
        int version = f.integer("version");
        if (version != VERSION) {
            throw f.wrong("version", "is " + version + " but this sparkvi reads version " + VERSION);
        }
        f.object("", FIELDS);
        int k = f.integer("k");
        if (k < 1) {
            throw f.wrong("k", "must be at least 1, got " + k);
        }
        CoordinateSystem coords = coords(f);
        int d = f.integer("d");
        if (d != coords.dim()) {
            throw f.wrong("d", "is " + d + " but " + describe(coords) + " has dimension " + coords.dim());
        }
        Hyperparameters h = hyperparameters(f, k, d);
        double[] mean = finite(f, "mean", sized(f, "mean", k * d, "k x d is " + k + " x " + d + " = " + (k * d)));
        double[] rhoStar = atLeast(f, "rho_star", sized(f, "rho_star", k, "'k' is " + k), h.rho(),
                "hyperparameters.rho", "rho*_k = rho + tau N_k");
        double[] shape = atLeast(f, "lambda_shape", sized(f, "lambda_shape", k, "'k' is " + k), h.alpha(),
                "hyperparameters.alpha", "a_k = alpha + SS_k");
        double[] rate = atLeast(f, "lambda_rate", sized(f, "lambda_rate", k, "'k' is " + k), h.beta(),
                "hyperparameters.beta", "b_k = beta + N_k");
        double[] dirichlet = null;
        if (h.piPrior() == PiPrior.DIRICHLET) {
            if (f.isNull("dirichlet")) {
                throw f.wrong("dirichlet", "is null but hyperparameters.pi_prior is DIRICHLET (q(pi) = Dir(gamma) needs gamma)");
            }
            dirichlet = atLeast(f, "dirichlet", sized(f, "dirichlet", k, "'k' is " + k), h.piConcentration(),
                    "hyperparameters.pi_concentration", "gamma_k = c + N_k");
        } else if (!f.isNull("dirichlet")) {
            throw f.wrong("dirichlet", "is given but hyperparameters.pi_prior is FIXED (pi is a constant: no q(pi))");
        }
        StrengthSpec strength = strength(f);
        String weightColumn = f.isNull("weight_column") ? null : f.text("weight_column");
        try {
            return new CaviModel(CaviModel.FORMAT, version, h, k, d, mean, rhoStar, shape, rate, dirichlet, coords,
                    strength, weightColumn);
        } catch (IllegalArgumentException e) { // every rule is checked above; this names the file all the same
            throw f.error(e.getMessage());
        }
    }

    private static CoordinateSystem coords(JsonFields f) {
        f.object("coords", COORDS);
        String name = f.text("coords.kind");
        CoordinateSystem.Kind kind = Arrays.stream(CoordinateSystem.Kind.values()).filter(x -> x.name().equals(name))
                .findFirst().orElseThrow(() -> f.wrong("coords.kind", "is '" + name + "', not one of "
                        + Arrays.toString(CoordinateSystem.Kind.values())));
        String label = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        double lat = f.number("coords.ref_latitude");
        double lon = f.number("coords.ref_longitude");
        if (kind == CoordinateSystem.Kind.LOCAL_KM || kind == CoordinateSystem.Kind.RADIAL) {
            if (!(lat >= -90 && lat <= 90)) {
                throw f.wrong("coords.ref_latitude", "is " + lat + " but coords '" + label
                        + "' needs a reference latitude in [-90, 90]");
            }
            if (!(lon >= -180 && lon <= 180)) {
                throw f.wrong("coords.ref_longitude", "is " + lon + " but coords '" + label
                        + "' needs a reference longitude in [-180, 180]");
            }
        } else {
            if (!Double.isNaN(lat)) {
                throw f.wrong("coords.ref_latitude", "is " + lat + " but coords '" + label + "' has no reference point (NaN)");
            }
            if (!Double.isNaN(lon)) {
                throw f.wrong("coords.ref_longitude", "is " + lon + " but coords '" + label + "' has no reference point (NaN)");
            }
        }
        List<String> columns = f.texts("coords.x_columns");
        if (kind == CoordinateSystem.Kind.IDENTITY && (columns.isEmpty() || columns.size() > 3)) {
            throw f.wrong("coords.x_columns", "has " + columns.size() + " names but coords 'identity' needs 1 to 3");
        }
        if (kind != CoordinateSystem.Kind.IDENTITY && !columns.isEmpty()) {
            throw f.wrong("coords.x_columns", "is " + columns + " but coords '" + label + "' reads no x-columns");
        }
        return new CoordinateSystem(kind, lat, lon, columns);
    }

    private static Hyperparameters hyperparameters(JsonFields f, int k, int d) {
        f.object("hyperparameters", HYPERPARAMETERS);
        double tau = f.positive("hyperparameters.tau");
        double rho = f.positive("hyperparameters.rho");
        double alpha = f.positive("hyperparameters.alpha");
        double beta = f.positive("hyperparameters.beta");
        double[] nu = finite(f, "hyperparameters.nu", sized(f, "hyperparameters.nu", d, "'d' is " + d));
        double[] pi = sized(f, "hyperparameters.pi", k, "'k' is " + k);
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += f.positive("hyperparameters.pi[" + c + "]", pi[c]);
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw f.wrong("hyperparameters.pi", "sums to " + sum + ", not 1 (within 1e-9)");
        }
        String priorName = f.text("hyperparameters.pi_prior");
        PiPrior prior = Arrays.stream(PiPrior.values()).filter(p -> p.name().equals(priorName)).findFirst()
                .orElseThrow(() -> f.wrong("hyperparameters.pi_prior", "is '" + priorName + "', not FIXED or DIRICHLET"));
        double c = f.number("hyperparameters.pi_concentration");
        if (prior == PiPrior.DIRICHLET) {
            f.positive("hyperparameters.pi_concentration", c);
        }
        return new Hyperparameters(tau, rho, nu, alpha, beta, pi, prior, c);
    }

    private static StrengthSpec strength(JsonFields f) {
        f.object("strength", STRENGTH);
        String column = f.text("strength.column");
        boolean mag10 = f.bool("strength.mag10");
        if (mag10 && !column.equals(StrengthSpec.MAG10.column())) {
            throw f.wrong("strength.column", "is '" + column + "' but strength.mag10 is true, which reads the column '"
                    + StrengthSpec.MAG10.column() + "'");
        }
        return new StrengthSpec(column, mag10);
    }

    /** The array at {@code path}, which must have {@code n} values ("field 'mean' has 6 values but k x d is …"). */
    private static double[] sized(JsonFields f, String path, int n, String because) {
        double[] v = f.numbers(path);
        if (v.length != n) {
            throw f.wrong(path, "has " + v.length + " values but " + because);
        }
        return v;
    }

    private static double[] finite(JsonFields f, String path, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw f.wrong(path + "[" + i + "]", "must be a finite number, got " + v[i]);
            }
        }
        return v;
    }

    /** Positive finite values, none below {@code floor} (the prior's value, which the M-step only adds to). */
    private static double[] atLeast(JsonFields f, String path, double[] v, double floor, String floorField, String formula) {
        for (int i = 0; i < v.length; i++) {
            f.positive(path + "[" + i + "]", v[i]);
            if (v[i] < floor) {
                throw f.wrong(path + "[" + i + "]", "is " + v[i] + ", below " + floorField + " = " + floor + " ("
                        + formula + " cannot be smaller)");
            }
        }
        return v;
    }

    /** "coords 'ecef'", or "coords 'identity' (x-columns a, b)". */
    static String describe(CoordinateSystem cs) {
        return "coords '" + cs.label() + "'"
                + (cs.xColumns().isEmpty() ? "" : " (x-columns " + String.join(", ", cs.xColumns()) + ")");
    }
}
