package org.sparkvi.vae;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkvi.cli.UserInputException;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.report.Json;
import org.sparkvi.sampling.CounterRandom;

/** A trained VAE: its configuration and parameters (model.json and parameters.bin, big-endian doubles, exact). */
public record VaeModel(VaeConfig config, double[] params) {
    public void save(AtomicOutput out, String dir) {
        out.writeString(dir + "/model.json", Json.write(config));
        try (OutputStream o = new java.io.BufferedOutputStream(out.create(dir + "/parameters.bin"), 1 << 16)) {
            TrainingState.writeDoubles(o, params);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads DIR/model.json and DIR/parameters.bin (DIR may also be a vae output folder holding model/). */
    public static VaeModel load(String dir, Configuration conf) {
        try {
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(new Path(root, "model.json")) && fs.exists(new Path(new Path(root, "model"), "model.json"))) {
                root = new Path(root, "model");
            }
            if (!fs.exists(new Path(root, "model.json"))) {
                throw new UserInputException("no VAE model at " + dir + " (expected model.json and parameters.bin)");
            }
            VaeConfig c;
            try (InputStream in = fs.open(new Path(root, "model.json"))) {
                c = Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), VaeConfig.class);
            }
            double[] p;
            try (InputStream in = new java.io.BufferedInputStream(fs.open(new Path(root, "parameters.bin")), 1 << 16)) {
                p = TrainingState.readDoubles(in);
            }
            if (p.length != new VaeLayout(c).size()) {
                throw new UserInputException(root + ": " + p.length + " parameters, the configuration needs "
                        + new VaeLayout(c).size());
            }
            return new VaeModel(c, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the VAE model at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Pixel probabilities of n images decoded from z ~ N(0, I) drawn from the seed: n × input. */
    public double[] sample(int n, long seed) {
        VaeNetwork net = new VaeNetwork(config);
        double[] z = new double[n * config.latent()];
        for (int i = 0; i < z.length; i++) {
            z[i] = CounterRandom.normal(seed, 600, i);
        }
        net.decode(params, z, n);
        return probabilities(net.logits, n * config.input());
    }

    /** Pixel probabilities of the reconstructions (decoded posterior means) of the first n test images. */
    public double[] reconstruct(MnistData test, int n) {
        VaeNetwork net = new VaeNetwork(config);
        double[] x = new double[n * test.pixels()];
        for (int i = 0; i < n; i++) {
            VaeEvaluation.pixels(test, i, config, x, i);
        }
        net.encode(params, x, n);
        net.decode(params, java.util.Arrays.copyOf(net.mu, n * config.latent()), n);
        return probabilities(net.logits, n * config.input());
    }

    private static double[] probabilities(double[] logits, int n) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = 1 / (1 + Math.exp(-logits[i]));
        }
        return p;
    }
}
