package org.sparkvi.vae;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkvi.UserInputException;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.Json;
import org.sparkvi.random.CounterRandom;

/**
 * A trained VAE: its configuration and parameters (model.json and parameters.bin, big-endian doubles, exact). The
 * configuration records the precision it was trained in (a float32 model's parameters are float32 values, stored as
 * doubles exactly) and evaluation runs in that precision; model.json files from before precision was recorded are
 * double-precision models.
 */
public record VaeModel(VaeConfig config, double[] params) implements java.io.Serializable {
    /** Writes model.json and parameters.bin into {@code dir} on any Hadoop file system (the ML writer's form). */
    public void write(FileSystem fs, Path dir) {
        try {
            try (OutputStream o = fs.create(new Path(dir, "model.json"), true)) {
                o.write(Json.write(config).getBytes(StandardCharsets.UTF_8));
            }
            try (OutputStream o = new java.io.BufferedOutputStream(fs.create(new Path(dir, "parameters.bin"), true), 1 << 16)) {
                TrainingState.writeDoubles(o, params);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the VAE model to " + dir + ": " + e.getMessage(), e);
        }
    }

    public void save(AtomicOutput out, String dir) {
        out.writeString(dir + "/model.json", Json.write(config));
        try (OutputStream o = new java.io.BufferedOutputStream(out.create(dir + "/parameters.bin"), 1 << 16)) {
            TrainingState.writeDoubles(o, params);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads DIR/model.json and DIR/parameters.bin (DIR may also be a vae output folder holding model/). A folder that
     * is not a VAE model gets one line naming the file and what is wrong with it.
     */
    public static VaeModel load(String dir, Configuration conf) {
        try {
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(new Path(root, "model.json")) && fs.exists(new Path(new Path(root, "model"), "model.json"))) {
                root = new Path(root, "model");
            }
            Path json = new Path(root, "model.json");
            if (!fs.exists(json)) {
                throw notModel(dir, json + " not found");
            }
            VaeConfig c;
            try (InputStream in = fs.open(json)) {
                c = config(dir, json, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Path bin = new Path(root, "parameters.bin");
            if (!fs.exists(bin)) {
                throw notModel(dir, bin + " not found");
            }
            try (InputStream in = new java.io.BufferedInputStream(fs.open(bin), 1 << 16)) {
                return new VaeModel(c, parameters(dir, bin, in, new VaeLayout(c).size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the VAE model at " + dir + ": " + e.getMessage(), e);
        }
    }

    private static UserInputException notModel(String dir, String why) {
        return new UserInputException(dir + " is not a VAE model: " + why);
    }

    /** The configuration in model.json: JSON holding every field a VAE configuration has, with valid values. */
    static VaeConfig config(String dir, Path file, String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw notModel(dir, "cannot read " + file + ": not JSON (" + oneLine(e.getOriginalMessage()) + ")");
        }
        recordedPrecision(node);
        List<String> missing = new ArrayList<>();
        Json.MAPPER.valueToTree(VaeConfig.defaults()).fieldNames().forEachRemaining(f -> {
            if (node == null || !node.has(f)) {
                missing.add(f);
            }
        });
        if (!missing.isEmpty()) {
            throw notModel(dir, "cannot read " + file + ": it has no " + String.join(", ", missing)
                    + " (the fields of a VAE configuration)");
        }
        try {
            return Json.MAPPER.treeToValue(node, VaeConfig.class);
        } catch (JsonProcessingException e) {
            // VaeConfig's own check (e.g. "hidden must be at least 1") arrives as the cause
            Throwable why = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw notModel(dir, "cannot read " + file + ": " + oneLine(why instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : why.getMessage()));
        }
    }

    /** A configuration written before precision was recorded gets the precision it was trained in (double). */
    static void recordedPrecision(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("precision")) {
            o.put("precision", VaeConfig.UNRECORDED.name());
        }
    }

    /** The parameters: their count (which must be what the configuration needs) then that many big-endian doubles. */
    static double[] parameters(String dir, Path file, InputStream in, int expected) throws IOException {
        java.io.DataInputStream d = new java.io.DataInputStream(in);
        try {
            int count = d.readInt();
            if (count != expected) {
                throw notModel(dir, "cannot read " + file + ": it holds " + count
                        + " parameters, the configuration in model.json needs " + expected);
            }
            double[] p = new double[count];
            for (int i = 0; i < count; i++) {
                p[i] = d.readDouble();
            }
            return p;
        } catch (java.io.EOFException e) {
            throw notModel(dir, "cannot read " + file + ": it ends early (truncated), before the " + expected
                    + " parameters the configuration needs");
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").strip();
    }

    /** Pixel probabilities of n images decoded from z ~ N(0, I) drawn from the seed: n × input. */
    public double[] sample(int n, long seed) {
        VaeForward net = VaeForward.of(config, params);
        double[] z = new double[n * config.latent()];
        for (int i = 0; i < z.length; i++) {
            z[i] = CounterRandom.normal(seed, 600, i);
        }
        net.decode(z, n);
        return probabilities(net.logits(), n * config.input());
    }

    /** Pixel probabilities of the reconstructions (decoded posterior means) of the first n test images. */
    public double[] reconstruct(MnistData test, int n) {
        VaeForward net = VaeForward.of(config, params);
        double[] x = new double[n * test.pixels()];
        for (int i = 0; i < n; i++) {
            VaeEvaluation.pixels(test, i, config, x, i);
        }
        net.encode(x, n);
        net.decode(java.util.Arrays.copyOf(net.mu(), n * config.latent()), n);
        return probabilities(net.logits(), n * config.input());
    }

    private static double[] probabilities(double[] logits, int n) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = 1 / (1 + Math.exp(-logits[i]));
        }
        return p;
    }
}
