package org.sparkvi.cli;

import org.sparkvi.UserInputException;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.OutputRequest;
import org.sparkvi.report.VaePictures;
import org.sparkvi.vae.VaeModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkvi vae-sample}: images decoded from z ~ N(0, I) by a saved model. */
@Command(name = "vae-sample", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Decodes z ~ N(0, I) with a saved VAE model into a PNG grid.")
public final class VaeSampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a vae output folder or its model/ folder")
    String model;
    @Option(names = "--n", description = "images")
    int n = 64;
    @Option(names = "--seed", description = "seed of z")
    long seed = 1;
    @Option(names = "--output", description = "output folder (samples.png; replaced atomically)")
    String output = "out/vae-sample";
    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();
    @picocli.CommandLine.Mixin
    ConfigOption config = new ConfigOption();

    @Override
    public Integer call() {
        if (n < 1 || n > 10_000) {
            throw new UserInputException("--n must be between 1 and 10000, got " + n);
        }
        Configuration conf = new Configuration();
        OutputRequest request = new OutputRequest(output, "vae-sample", overwrite.value(), java.util.List.of(model));
        AtomicOutput.check(request, conf);
        org.sparkvi.ml.VaeModel m = org.sparkvi.ml.VaeModel.of(VaeModel.load(model, conf));
        try (AtomicOutput out = new AtomicOutput(request, conf)) {
            out.writeBytes("samples.png", VaePictures.samples(m.sample(n, seed), n, (int) Math.ceil(Math.sqrt(n))));
            out.commit();
        }
        System.out.println("samples in " + output + "/samples.png");
        return 0;
    }
}
