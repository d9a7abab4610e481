package org.sparkvi.vae;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Minibatch training: each epoch shuffles the training images (keyed by seed and epoch), takes batches in order
 * (the last one may be short, as PyTorch's DataLoader keeps it), asks the gradient source for the batch's summed loss
 * and gradient, and applies one Adam step. Every step sees the gradient of the whole global minibatch. After each
 * epoch: the test −ELBO, the metrics, and a checkpoint. A non-finite loss, parameter or test −ELBO stops training
 * with a {@link DivergenceException} before that epoch's checkpoint, so every checkpoint written is usable.
 */
public final class VaeTrainer {
    private VaeTrainer() {
    }

    /** Trains from scratch (resume null) or from a checkpoint, to config.epochs(). */
    public static TrainingState train(VaeConfig c, MnistData train, MnistData test, int testImages, GradientSource source,
                                      TrainingState resume, VaeListener listener, Consumer<TrainingState> checkpoint) {
        return train(c, train, test, testImages, EpochEngine.stepwise(source), resume, listener, checkpoint);
    }

    public static TrainingState train(VaeConfig c, MnistData train, MnistData test, int testImages, EpochEngine engine,
                                      TrainingState resume, VaeListener listener, Consumer<TrainingState> checkpoint) {
        VaeLayout layout = new VaeLayout(c);
        double[] params;
        Adam adam;
        List<EpochMetrics> metrics;
        int start;
        if (resume == null) {
            params = layout.initialParameters(c.seed());
            if (c.inFloat()) {
                Floats.round(params); // float32 training starts from the same draws, rounded
            }
            adam = new Adam(layout.size(), c.learningRate(), c.beta1(), c.beta2(), c.adamEps());
            metrics = new ArrayList<>();
            start = 0;
        } else {
            params = resume.params().clone();
            adam = Adam.restore(c, resume.adamM(), resume.adamV(), resume.adamStep());
            metrics = new ArrayList<>(resume.metrics());
            start = resume.epochsDone();
        }
        int n = train.count();
        int steps = (n + c.batchSize() - 1) / c.batchSize();
        TrainingState state = resume;
        for (int epoch = start; epoch < c.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] order = TrainingData.permutation(c.seed(), epoch, n);
            int e = epoch;
            double[] diverged = {0, 0}; // the first step whose loss is not finite, and that loss
            double lossSum = engine.epoch(c, params, adam, epoch, order, (s, done, loss, size) -> {
                if (!Double.isFinite(loss) && diverged[0] == 0) {
                    diverged[0] = s;
                    diverged[1] = loss;
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double rate = done / elapsed;
                double eta = ((double) (c.epochs() - e) * n - done) / rate;
                listener.step(e, c.epochs(), s, steps, loss / size, rate, eta);
            });
            if (diverged[0] > 0) {
                throw new DivergenceException(epoch + 1, (int) diverged[0], steps, "the training loss is " + diverged[1],
                        c.learningRate());
            }
            int bad = firstNonFinite(params);
            if (bad >= 0) { // the last step's loss was finite but its update was not
                throw new DivergenceException(epoch + 1, steps, steps, "its update made parameter " + bad + " "
                        + params[bad], c.learningRate());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double testLoss = VaeEvaluation.testLoss(c, params, test, Math.min(testImages, test.count()));
            if (!Double.isFinite(testLoss)) {
                throw new DivergenceException(epoch + 1, steps, steps, "the test -ELBO after it is " + testLoss,
                        c.learningRate());
            }
            EpochMetrics m = new EpochMetrics(epoch + 1, lossSum / n, testLoss, seconds, n / seconds);
            metrics.add(m);
            listener.epoch(m, c.epochs());
            state = new TrainingState(c, epoch + 1, params.clone(), adam.firstMoment(), adam.secondMoment(), adam.step(),
                    List.copyOf(metrics));
            if (checkpoint != null) {
                checkpoint.accept(state);
            }
        }
        return state;
    }

    /** The index of the first NaN or infinite entry, or −1. */
    static int firstNonFinite(double[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }
}
