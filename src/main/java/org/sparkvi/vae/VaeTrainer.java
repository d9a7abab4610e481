package org.sparkvi.vae;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Minibatch training: each epoch shuffles the training images (keyed by seed and epoch), takes batches in order
 * (the last one may be short, as PyTorch's DataLoader keeps it), asks the gradient source for the batch's summed loss
 * and gradient, and applies one Adam step. Every step sees the gradient of the whole global minibatch. After each
 * epoch: the test −ELBO, the metrics, and a checkpoint.
 */
public final class VaeTrainer {
    private VaeTrainer() {
    }

    /** Trains from scratch (resume null) or from a checkpoint, to config.epochs(). */
    public static TrainingState train(VaeConfig c, MnistData train, MnistData test, int testImages, GradientSource source,
                                      TrainingState resume, VaeListener listener, Consumer<TrainingState> checkpoint) {
        VaeLayout layout = new VaeLayout(c);
        double[] params;
        Adam adam;
        List<EpochMetrics> metrics;
        int start;
        if (resume == null) {
            params = layout.initialParameters(c.seed());
            adam = new Adam(layout.size(), c.learningRate(), c.beta1(), c.beta2(), c.adamEps());
            metrics = new ArrayList<>();
            start = 0;
        } else {
            params = resume.params().clone();
            adam = Adam.restore(c, resume.adamM(), resume.adamV(), resume.adamStep());
            metrics = new ArrayList<>(resume.metrics());
            start = resume.epochsDone();
        }
        double[] grad = new double[layout.size()];
        int n = train.count();
        int steps = (n + c.batchSize() - 1) / c.batchSize();
        TrainingState state = resume;
        for (int epoch = start; epoch < c.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] order = TrainingData.permutation(c.seed(), epoch, n);
            double lossSum = 0;
            for (int s = 0; s < steps; s++) {
                int from = s * c.batchSize();
                int[] batch = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + c.batchSize()));
                java.util.Arrays.fill(grad, 0);
                double loss = source.lossAndGradient(params, epoch, batch, grad);
                adam.update(params, grad);
                lossSum += loss;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double rate = (double) Math.min(n, from + c.batchSize()) / elapsed;
                double eta = ((double) (c.epochs() - epoch) * n - Math.min(n, from + c.batchSize())) / rate;
                listener.step(epoch, c.epochs(), s + 1, steps, loss / batch.length, rate, eta);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double testLoss = VaeEvaluation.testLoss(c, params, test, Math.min(testImages, test.count()));
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
}
