package org.sparkvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.Json;

/** vae and vae-sample as a user runs them, on the bundled sample; and their errors. */
class VaeCommandTest {
    @TempDir
    Path dir;

    static int run(StringWriter err, String... args) {
        return Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void vaeWritesEveryOutputAndItsModelSamples() throws Exception {
        TestSpark.get();
        Path out = dir.resolve("vae");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "vae", "--epochs", "1", "--hidden", "64", "--latent", "8", "--output", out.toString(),
                "--iwae-images", "20", "--iwae-k", "10"), err.toString());
        for (String f : List.of("metrics.csv", "loss.png", "reconstructions.png", "samples.png", "model/model.json",
                "model/parameters.bin", "report.json")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertNotNull(ImageIO.read(out.resolve("reconstructions.png").toFile()));
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("epoch,train_loss,test_loss,seconds,images_per_second", csv.get(0));
        assertEquals(2, csv.size());
        JsonNode r = Json.MAPPER.readTree(Files.readString(out.resolve("report.json")));
        assertTrue(r.get("test_neg_elbo").asDouble() > 0);
        assertTrue(r.get("iwae_log_likelihood").asDouble() < 0);
        assertTrue(Files.exists(dir.resolve("vae-checkpoints/epoch-001/state.bin")), "a checkpoint per epoch");
        Path samples = dir.resolve("samples");
        assertEquals(0, run(err, "vae-sample", "--model", out.toString(), "--n", "9", "--output", samples.toString()),
                err.toString());
        assertNotNull(ImageIO.read(samples.resolve("samples.png").toFile()));
    }

    @Test
    void aDivergingRunFailsAndLeavesThePreviousOutputAlone() throws Exception {
        TestSpark.get();
        Path out = dir.resolve("vae");
        StringWriter err = new StringWriter();
        String[] tiny = {"--epochs", "1", "--hidden", "16", "--latent", "4", "--output", out.toString(),
            "--checkpoint-dir", dir.resolve("good-checkpoints").toString(), "--test-images", "20", "--iwae-images", "5",
            "--iwae-k", "2"};
        assertEquals(0, run(err, concat("vae", tiny)), err.toString());
        java.util.Map<Path, String> before = contents(out);
        assertTrue(before.containsKey(out.resolve("report.json")));
        Path checkpoints = dir.resolve("vae-checkpoints");
        assertEquals(2, run(err, "vae", "--learning-rate", "1000", "--epochs", "2", "--hidden", "16", "--latent", "4",
                "--output", out.toString(), "--test-images", "20", "--iwae-images", "5", "--iwae-k", "2"), err.toString());
        String message = err.toString().strip();
        assertTrue(message.matches("sparkvi: error: training diverged at epoch 1, step \\d+ of 20: the training loss is "
                + "(NaN|Infinity); try a smaller --learning-rate \\(this run used 1000.0\\); this run wrote no checkpoint; "
                + java.util.regex.Pattern.quote(out.toString()) + " was left as it was"), message);
        assertEquals(before, contents(out), "the earlier output, file for file");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("good-checkpoints", "vae"), files.map(p -> p.getFileName().toString())
                    .filter(f -> !f.equals("vae-checkpoints")).sorted().toList(), "no staging folder left");
        }
        assertTrue(!Files.exists(checkpoints.resolve("epoch-001")), "no checkpoint of the diverged epoch");
    }

    @Test
    void aCheckpointResumesOnlyInItsPrecisionAndVaeSampleReadsEitherPrecision() throws Exception {
        TestSpark.get();
        Path out = dir.resolve("vae");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "vae", "--precision", "double", "--output", out.toString(), "--epochs", "1", "--hidden",
                "16", "--latent", "4", "--test-images", "20", "--iwae-images", "5", "--iwae-k", "2"), err.toString());
        JsonNode model = Json.MAPPER.readTree(Files.readString(out.resolve("model/model.json")));
        assertEquals("DOUBLE", model.get("precision").asText(), "the model records its precision");
        StringWriter refused = new StringWriter();
        assertEquals(2, run(refused, "vae", "--resume", dir.resolve("vae-checkpoints").toString(), "--epochs", "2",
                "--hidden", "16", "--latent", "4", "--output", dir.resolve("float").toString()), refused.toString());
        assertTrue(refused.toString().contains("was trained in double precision; resume it with --precision double"),
                refused.toString());
        // a model.json from before precision was recorded is a double-precision model
        Files.writeString(out.resolve("model/model.json"), Files.readString(out.resolve("model/model.json"))
                .replaceAll("(?m)^\\s*\"precision\"[^\\n]*\\n", "").replace(",\n}", "\n}"));
        assertTrue(!Files.readString(out.resolve("model/model.json")).contains("precision"));
        assertEquals(0, run(err, "vae-sample", "--model", out.toString(), "--n", "4", "--output",
                dir.resolve("samples").toString()), err.toString());
        assertEquals(org.sparkvi.vae.VaeConfig.Precision.DOUBLE,
                org.sparkvi.vae.VaeModel.load(out.toString(), new org.apache.hadoop.conf.Configuration()).config().precision());
    }

    static String[] concat(String first, String... rest) {
        String[] a = new String[rest.length + 1];
        a[0] = first;
        System.arraycopy(rest, 0, a, 1, rest.length);
        return a;
    }

    /** Every file under a folder and its bytes (as ISO-8859-1 text, so any bytes compare). */
    static java.util.Map<Path, String> contents(Path folder) throws java.io.IOException {
        java.util.Map<Path, String> m = new java.util.TreeMap<>();
        try (var files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                m.put(f, new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return m;
    }

    @Test
    void aFolderThatIsNotAVaeModelIsNamedWithItsFile() throws Exception {
        String vaeJson = Json.write(org.sparkvi.vae.VaeConfig.defaults().withSizes(8, 2, 10));
        java.util.Map<String, String> folders = new java.util.LinkedHashMap<>();
        // a cavi output folder: model/model.json holds a CAVI model
        Path cavi = dir.resolve("cavi");
        Files.createDirectories(cavi.resolve("model"));
        Files.writeString(cavi.resolve("model/model.json"), "{\"k\": 3, \"d\": 3, \"coords\": \"ecef\"}");
        folders.put(cavi.toString(), "cannot read " + cavi.resolve("model/model.json") + ": it has no input, hidden, "
                + "latent, epochs, batch_size, learning_rate, beta1, beta2, adam_eps, leak, seed, binarize, estimator "
                + "(the fields of a VAE configuration)");
        Path text = dir.resolve("text");
        Files.createDirectories(text);
        Files.writeString(text.resolve("model.json"), "hello");
        folders.put(text.toString(), "cannot read " + text.resolve("model.json") + ": not JSON (Unrecognized token "
                + "'hello': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'))");
        Path invalid = dir.resolve("invalid");
        Files.createDirectories(invalid);
        Files.writeString(invalid.resolve("model.json"), vaeJson.replace("\"hidden\" : 8", "\"hidden\" : 0"));
        folders.put(invalid.toString(), "cannot read " + invalid.resolve("model.json") + ": hidden must be at least 1, got 0");
        Path noParameters = dir.resolve("no-parameters");
        Files.createDirectories(noParameters);
        Files.writeString(noParameters.resolve("model.json"), vaeJson);
        folders.put(noParameters.toString(), noParameters.resolve("parameters.bin") + " not found");
        Path truncated = dir.resolve("truncated");
        Files.createDirectories(truncated);
        Files.writeString(truncated.resolve("model.json"), vaeJson);
        int size = new org.sparkvi.vae.VaeLayout(org.sparkvi.vae.VaeConfig.defaults().withSizes(8, 2, 10)).size();
        Files.write(truncated.resolve("parameters.bin"), java.nio.ByteBuffer.allocate(4 + 8 * 10).putInt(size).array());
        folders.put(truncated.toString(), "cannot read " + truncated.resolve("parameters.bin") + ": it ends early "
                + "(truncated), before the " + size + " parameters the configuration needs");
        Path wrongCount = dir.resolve("wrong-count");
        Files.createDirectories(wrongCount);
        Files.writeString(wrongCount.resolve("model.json"), vaeJson);
        Files.write(wrongCount.resolve("parameters.bin"), java.nio.ByteBuffer.allocate(4).putInt(-7).array());
        folders.put(wrongCount.toString(), "cannot read " + wrongCount.resolve("parameters.bin") + ": it holds -7 "
                + "parameters, the configuration in model.json needs " + size);
        for (var f : folders.entrySet()) {
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, "vae-sample", "--model", f.getKey(), "--output", dir.resolve("never").toString()),
                    err.toString());
            assertEquals("sparkvi: error: " + f.getKey() + " is not a VAE model: " + f.getValue(), err.toString().strip());
        }
        assertTrue(!Files.exists(dir.resolve("never")));
    }

    @Test
    void badOptionsAndDataAreNamed() {
        TestSpark.get();
        String out = dir.resolve("never").toString();
        String[][] cases = {
            {"vae", "--binarize", "maybe", "--output", out}, {"--binarize must be one of"},
            {"vae", "--gradient-estimator", "magic", "--output", out}, {"--gradient-estimator"},
            {"vae", "--epochs", "0", "--output", out}, {"epochs must be at least 1"},
            {"vae", "--learning-rate", "-1", "--output", out}, {"--learning-rate"},
            {"vae", "--data", dir.resolve("nowhere").toString(), "--output", out}, {"not found"},
            {"vae-sample", "--model", dir.resolve("nomodel").toString()},
                {dir.resolve("nomodel") + " is not a VAE model: " + dir.resolve("nomodel/model.json") + " not found"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, cases[i]), String.join(" ", cases[i]) + ": " + err);
            for (String f : cases[i + 1]) {
                assertTrue(err.toString().contains(f), String.join(" ", cases[i]) + " should say '" + f + "': " + err);
            }
        }
        assertTrue(!Files.exists(Path.of(out)));
    }
}
