package org.sparkvi.cli;

import org.sparkvi.UserInputException;
import org.sparkvi.jobs.CaviJob;
import org.sparkvi.spark.SparkSessions;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparkvi.cavi.CaviOptions;
import org.sparkvi.cavi.HyperparameterSpec;
import org.sparkvi.cavi.PiPrior;
import org.sparkvi.io.CatalogueFormat;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkvi cavi}: K super-epicentres of an earthquake catalogue by coordinate-ascent variational inference. */
@Command(name = "cavi", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Clusters an earthquake catalogue into K super-epicentres by CAVI: where each is, with its "
                + "uncertainty; its Poisson strength rate with a 95% credible interval; which events belong to it.",
                "Defaults can also be set in conf/cavi.properties (key = option name without dashes); the command line wins."})
public final class CaviCommand implements Callable<Integer> {
    @Option(names = "--input", description = "catalogue: Parquet (file or folder), ComCat CSV or GeoJSON")
    String input = "data/earthquakes.parquet";
    @Option(names = "--format", description = "input format: ${COMPLETION-CANDIDATES} (default: from the file name)")
    CatalogueFormat format;
    @Option(names = "--output", description = "output folder (replaced atomically)")
    String output = "out/cavi";
    @Option(names = {"-k", "--k"}, description = "number of clusters K")
    int k = CaviOptions.DEFAULT_K;
    @Option(names = "--coords", description = "location model: ecef (3-D Earth-centred km, epicentres), hypocenter "
            + "(3-D Earth-centred km at radius R - depth: deep and shallow events apart), lonlat (degrees), "
            + "local-km (km around the centroid), identity (--x-columns), radial (log km from --station)")
    String coords = "ecef";
    @Option(names = "--x-columns", split = ",", description = "numeric columns used as X with --coords identity")
    List<String> xColumns;
    @Option(names = "--station", description = "LAT,LON of the station for --coords radial")
    String station;
    @Option(names = "--strength", description = "strength S_n: mag10 = round(10*mag) clipped at 0")
    String strength = "mag10";
    @Option(names = "--strength-column", description = "use this non-negative integer column as S_n instead (nst, sig, felt, ...)")
    String strengthColumn;
    @Option(names = "--weight-column", description = "optional per-event weights w_n >= 0 (e.g. a completeness correction)")
    String weightColumn;
    @Option(names = "--tau", description = "precision tau of events about their centre (default: K^(2/D)/s^2, s^2 = data variance per dimension)")
    Double tau;
    @Option(names = "--rho", description = "prior precision rho of the centres (default: 1/s^2)")
    Double rho;
    @Option(names = "--nu", description = "prior mean nu of the centres, comma list of D values (default: the data mean)")
    String nu;
    @Option(names = "--alpha", description = "Gamma shape alpha of the rates (default: 1)")
    Double alpha;
    @Option(names = "--beta", description = "Gamma rate beta of the rates (default: alpha / mean strength)")
    Double beta;
    @Option(names = "--pi", description = "mixing weights: uniform, or a comma list of K positive weights summing to 1")
    String pi = "uniform";
    @Option(names = "--pi-prior", description = "fixed (the assignment's model) or dirichlet (q(pi) = Dir(c + N_k))")
    String piPrior = "fixed";
    @Option(names = "--pi-concentration", description = "Dirichlet concentration c; small c empties surplus clusters")
    double piConcentration = 1.0;
    @Option(names = "--init", description = "initialisation: kmeans++ (partition-invariant) or kmeans-parallel (MLlib k-means||)")
    String init = "kmeans++";
    @Option(names = "--init-model", description = "warm start from a saved model (a cavi output folder or its model/)")
    String initModel;
    @Option(names = "--restarts", description = "initialisations tried; the best final ELBO is kept")
    int restarts = CaviOptions.DEFAULT_RESTARTS;
    @Option(names = "--max-iter", description = "most iterations per restart")
    int maxIter = CaviOptions.DEFAULT_MAX_ITER;
    @Option(names = "--tol", description = "stop when |ELBO change| <= tol * |ELBO|")
    double tol = CaviOptions.DEFAULT_TOL;
    @Option(names = "--seed", description = "seed of every random draw")
    long seed = CaviOptions.DEFAULT_SEED;
    @Option(names = "--partitions", description = "partitions of the cached catalogue (0 = Spark's default parallelism)")
    int partitions = 0;
    @picocli.CommandLine.Mixin
    JobOptions job = new JobOptions();

    @Override
    public Integer call() {
        CaviJob.Config c = config();
        SparkSession spark = SparkSessions.getOrCreate("sparkvi cavi", job.master());
        CaviJob.run(spark, c);
        return 0;
    }

    CaviJob.Config config() {
        Partitions.check(partitions);
        CaviOptions options = new CaviOptions(k, maxIter, tol, seed, restarts, CaviOptions.parseInit(init));
        PiPrior prior = PiPrior.parse(piPrior);
        double[] piValues = pi == null || pi.equalsIgnoreCase("uniform") ? null : numbers("--pi", pi);
        HyperparameterSpec spec = new HyperparameterSpec(tau, rho, nu == null ? null : numbers("--nu", nu), alpha, beta,
                piValues, prior, piConcentration);
        HyperparameterSpec.checkPositive("--tau", tau);
        HyperparameterSpec.checkPositive("--rho", rho);
        HyperparameterSpec.checkPositive("--alpha", alpha);
        HyperparameterSpec.checkPositive("--beta", beta);
        HyperparameterSpec.checkPositive("--pi-concentration", piConcentration);
        if (piValues != null) {
            HyperparameterSpec.checkPi(piValues);
            if (piValues.length != k) {
                throw new UserInputException("--pi has " + piValues.length + " weights but --k is " + k);
            }
        }
        CoordinateSystem.Kind kind = CoordinateSystem.parseKind(coords);
        CoordinateSystem cs = switch (kind) {
            case RADIAL -> {
                if (station == null) {
                    throw new UserInputException("--coords radial needs --station LAT,LON");
                }
                double[] s = numbers("--station", station);
                if (s.length != 2) {
                    throw new UserInputException("--station must be LAT,LON, got '" + station + "'");
                }
                yield new CoordinateSystem(kind, s[0], s[1], List.of());
            }
            case IDENTITY -> new CoordinateSystem(kind, Double.NaN, Double.NaN, xColumns);
            default -> CoordinateSystem.of(kind);
        };
        if (nu != null && spec.nu().length != cs.dim()) {
            throw new UserInputException("--nu has " + spec.nu().length + " values but --coords " + coords + " has D = " + cs.dim());
        }
        String in = BundledPaths.resolve(input);
        return new CaviJob.Config(in, format, output, options, spec, cs, StrengthSpec.parse(strength, strengthColumn),
                weightColumn, partitions, initModel, job.overwrite());
    }

    static double[] numbers(String option, String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new UserInputException(option + " must be a comma list of numbers, got '" + list + "'");
        }
    }
}
