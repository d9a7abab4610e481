package org.sparkvi.vae;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sparkvi.UserInputException;

/** One MNIST split: 28×28 images as unsigned bytes, and their labels. */
public record MnistData(int count, int pixels, byte[] images, byte[] labels) {
    public static final int SIDE = 28;

    /** Loads {@code PREFIX-images-idx3-ubyte[.gz]} and {@code PREFIX-labels-idx1-ubyte[.gz]} of a folder (PREFIX train or t10k). */
    public static MnistData load(Path dir, String prefix) {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        IdxReader.Images im = IdxReader.images(images);
        byte[] lb = IdxReader.labels(labels);
        if (im.rows() != SIDE || im.cols() != SIDE) {
            throw new UserInputException(images + " holds " + im.rows() + "x" + im.cols() + " images, not 28x28");
        }
        if (lb.length != im.count()) {
            throw new UserInputException(images + " holds " + im.count() + " images but " + labels + " " + lb.length + " labels");
        }
        return new MnistData(im.count(), SIDE * SIDE, im.pixels(), lb);
    }

    static Path find(Path dir, String name) {
        for (String suffix : new String[] {"", ".gz"}) {
            Path p = dir.resolve(name + suffix);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new UserInputException("MNIST file " + name + "[.gz] not found in " + dir
                + " (jobs/sparkvi fetch-mnist puts the full set in data/mnist)");
    }

    /** Pixel j of image i, scaled to [0, 1]. */
    /** The first {@code n} images (all of them when there are fewer). */
    public MnistData first(int n) {
        int m = Math.min(n, count);
        return new MnistData(m, pixels, java.util.Arrays.copyOf(images, m * pixels), java.util.Arrays.copyOf(labels, m));
    }

    public double intensity(int i, int j) {
        return (images[i * pixels + j] & 0xff) / 255.0;
    }
}
