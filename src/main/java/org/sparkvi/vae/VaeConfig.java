package org.sparkvi.vae;

import java.io.Serializable;

/**
 * The VAE and its training, validated, defaults in one place: the Kingma & Welling architecture of the reference
 * (784-400-400-(200,200) encoder, 200-400-400-784 decoder, LeakyReLU(0.2)), Adam(1e-3, 0.9, 0.999, 1e-8), batch 100,
 * 15 epochs, float32 arithmetic as PyTorch's.
 */
public record VaeConfig(int input, int hidden, int latent, int epochs, int batchSize, double learningRate, double beta1,
                        double beta2, double adamEps, double leak, long seed, Binarize binarize, Estimator estimator,
                        Precision precision)
        implements Serializable {

    /**
     * The arithmetic of training and evaluation: FLOAT, float32 parameters, activations, gradients, Adam moments and
     * exchanges (sgemm), as PyTorch trains; DOUBLE, float64 throughout (dgemm), the reference for finite differences.
     * A FLOAT run's parameters and moments travel between epochs as double arrays holding float32 values exactly.
     */
    public enum Precision {
        FLOAT, DOUBLE
    }

    /** Model and checkpoint files written before precision was recorded were trained in double precision. */
    public static final Precision UNRECORDED = Precision.DOUBLE;

    /** Pixels/255 rounded at 0.5 as torch.round does (fixed), or drawn Bernoulli(p) anew each epoch (dynamic). */
    /** {@code value} as a constant of {@code type}, in any case; else an error naming {@code option} and the choices. */
    public static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                .toLowerCase(java.util.Locale.ROOT) + ", got '" + value + "'");
    }

    public enum Binarize {
        ROUND, DYNAMIC
    }

    /** The gradient of the ELBO: with the KL in closed form, or sticking the landing (log q's score term dropped). */
    public enum Estimator {
        ANALYTIC, STL
    }

    public VaeConfig {
        positive("input", input);
        positive("hidden", hidden);
        positive("latent", latent);
        positive("epochs", epochs);
        positive("batch size", batchSize);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("--learning-rate must be a positive finite number, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(adamEps > 0)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta1, beta2 < 1 and eps > 0");
        }
        if (!(leak >= 0 && leak < 1)) {
            throw new IllegalArgumentException("the LeakyReLU slope must lie in [0, 1), got " + leak);
        }
        if (binarize == null || estimator == null || precision == null) {
            throw new IllegalArgumentException("binarize, estimator and precision must be given");
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    public static VaeConfig defaults() {
        return new VaeConfig(784, 400, 200, 15, 100, 1e-3, 0.9, 0.999, 1e-8, 0.2, 0, Binarize.ROUND, Estimator.ANALYTIC,
                Precision.FLOAT);
    }

    public VaeConfig withEpochs(int e) {
        return new VaeConfig(input, hidden, latent, e, batchSize, learningRate, beta1, beta2, adamEps, leak, seed, binarize,
                estimator, precision);
    }

    public VaeConfig withSizes(int h, int z, int batch) {
        return new VaeConfig(input, h, z, epochs, batch, learningRate, beta1, beta2, adamEps, leak, seed, binarize, estimator,
                precision);
    }

    public VaeConfig withEstimator(Estimator e) {
        return new VaeConfig(input, hidden, latent, epochs, batchSize, learningRate, beta1, beta2, adamEps, leak, seed,
                binarize, e, precision);
    }

    public VaeConfig withLearningRate(double lr) {
        return new VaeConfig(input, hidden, latent, epochs, batchSize, lr, beta1, beta2, adamEps, leak, seed, binarize,
                estimator, precision);
    }

    public VaeConfig withPrecision(Precision p) {
        return new VaeConfig(input, hidden, latent, epochs, batchSize, learningRate, beta1, beta2, adamEps, leak, seed,
                binarize, estimator, p);
    }

    public VaeConfig withBinarize(Binarize b) {
        return new VaeConfig(input, hidden, latent, epochs, batchSize, learningRate, beta1, beta2, adamEps, leak, seed,
                b, estimator, precision);
    }

    /** Whether training runs in float32 (not named isFloat: JSON would take that for a field). */
    public boolean inFloat() {
        return precision == Precision.FLOAT;
    }
}
