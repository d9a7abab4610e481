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
import org.sparkvi.report.Json;

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
    void badOptionsAndDataAreNamed() {
        TestSpark.get();
        String out = dir.resolve("never").toString();
        String[][] cases = {
            {"vae", "--binarize", "maybe", "--output", out}, {"--binarize must be one of"},
            {"vae", "--gradient-estimator", "magic", "--output", out}, {"--gradient-estimator"},
            {"vae", "--epochs", "0", "--output", out}, {"epochs must be at least 1"},
            {"vae", "--learning-rate", "-1", "--output", out}, {"--learning-rate"},
            {"vae", "--data", dir.resolve("nowhere").toString(), "--output", out}, {"not found"},
            {"vae-sample", "--model", dir.resolve("nomodel").toString()}, {"no VAE model"},
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
