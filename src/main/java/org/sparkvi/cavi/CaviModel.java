package org.sparkvi.cavi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkvi.UserInputException;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;
import org.sparkvi.io.Json;

/**
 * A fitted CAVI model: the hyperparameters, q(μ), q(λ), q(π), and how events are turned into model space
 * (coordinates, strength, weights). Saved as JSON, whose doubles round-trip exactly, so a loaded model assigns
 * events exactly as the fitted one did.
 */
public record CaviModel(String format, int version, Hyperparameters hyperparameters, int k, int d, double[] mean,
                        double[] rhoStar, double[] lambdaShape, double[] lambdaRate, double[] dirichlet,
                        CoordinateSystem coords, StrengthSpec strength, String weightColumn) {
    public static final String FORMAT = "sparkvi-cavi-model";
    public static final String FILE = "model.json";

    public static CaviModel of(Hyperparameters h, VariationalParameters q, CoordinateSystem coords, StrengthSpec strength,
                               String weightColumn) {
        return new CaviModel(FORMAT, 1, h, q.k, q.d, q.mean, q.rhoStar, q.shape, q.rate, q.dirichlet, coords, strength,
                weightColumn);
    }

    public VariationalParameters parameters() {
        return new VariationalParameters(k, d, mean, rhoStar, lambdaShape, lambdaRate, dirichlet);
    }

    public ResponsibilityKernel kernel() {
        return new ResponsibilityKernel(hyperparameters, parameters());
    }

    /** The posterior mean of μ_c in model space. */
    public double[] mean(int c) {
        return Arrays.copyOfRange(mean, c * d, (c + 1) * d);
    }

    /** The equal-tailed 95% credible interval of λ_c under q(λ_c) = Gamma(a, rate b). */
    public double[] lambdaCredibleInterval95(int c) {
        GammaDistribution g = new GammaDistribution(null, lambdaShape[c], 1 / lambdaRate[c],
                GammaDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
        return new double[] {g.inverseCumulativeProbability(0.025), g.inverseCumulativeProbability(0.975)};
    }

    /** The same clusters relabelled: new label i is old label order[i]. */
    public CaviModel permuted(int[] order) {
        double[] m = new double[mean.length];
        double[] rs = new double[k];
        double[] a = new double[k];
        double[] b = new double[k];
        double[] g = dirichlet == null ? null : new double[k];
        double[] pi = new double[k];
        double[] oldPi = hyperparameters.pi();
        for (int i = 0; i < k; i++) {
            int o = order[i];
            System.arraycopy(mean, o * d, m, i * d, d);
            rs[i] = rhoStar[o];
            a[i] = lambdaShape[o];
            b[i] = lambdaRate[o];
            pi[i] = oldPi[o];
            if (g != null) {
                g[i] = dirichlet[o];
            }
        }
        Hyperparameters h = hyperparameters;
        Hyperparameters ph = new Hyperparameters(h.tau(), h.rho(), h.nu(), h.alpha(), h.beta(), pi, h.piPrior(),
                h.piConcentration());
        return new CaviModel(format, version, ph, k, d, m, rs, a, b, g, coords, strength, weightColumn);
    }

    public void save(AtomicOutput out, String dir) {
        out.writeString(dir + "/" + FILE, Json.write(this));
    }

    /**
     * Loads {@code DIR/model.json} (DIR may also be a job's output directory holding {@code model/}), checked field
     * by field against itself ({@link CaviModelFile}): a wrong field is named with its file.
     */
    public static CaviModel load(String dir, Configuration conf) {
        Path root;
        try {
            root = new Path(dir);
        } catch (IllegalArgumentException e) { // Hadoop's refusal of the string ("" or "a:b"), said as the user's error
            throw new UserInputException("no CAVI model at '" + dir + "': not a valid path (" + e.getMessage() + ")");
        }
        try {
            Path p = new Path(root, FILE);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p) && fs.exists(new Path(new Path(root, "model"), FILE))) {
                p = new Path(new Path(root, "model"), FILE);
            }
            if (!fs.exists(p)) {
                throw new UserInputException("no CAVI model at " + dir + " (expected " + FILE + " there or in model/)");
            }
            try (InputStream in = fs.open(p)) {
                return CaviModelFile.read(p.toString(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model at " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaviModel m && k == m.k && d == m.d && hyperparameters.equals(m.hyperparameters)
                && Arrays.equals(mean, m.mean) && Arrays.equals(rhoStar, m.rhoStar)
                && Arrays.equals(lambdaShape, m.lambdaShape) && Arrays.equals(lambdaRate, m.lambdaRate)
                && Arrays.equals(dirichlet, m.dirichlet) && coords.equals(m.coords) && strength.equals(m.strength)
                && java.util.Objects.equals(weightColumn, m.weightColumn);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + k;
    }
}
