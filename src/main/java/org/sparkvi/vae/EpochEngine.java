package org.sparkvi.vae;

/** Runs one epoch of synchronous minibatch steps: every step applies Adam to the whole global minibatch's gradient. */
public interface EpochEngine extends AutoCloseable {
    /**
     * Steps over the batches of {@code order} in turn, updating params and adam in place; returns the sum of batch
     * losses. A step whose loss is not finite ends the epoch there, reported but not applied (its gradient is
     * meaningless); the caller stops training.
     */
    double epoch(VaeConfig c, double[] params, Adam adam, int epoch, int[] order, StepProgress progress);

    @Override
    default void close() {
    }

    /** How it exchanges gradients, for the log. */
    default String describe() {
        return "one Spark job per step";
    }

    /** Called after each step with the step number (1-based), images done this epoch and the batch's loss sum. */
    interface StepProgress {
        void step(int step, int imagesDone, double batchLoss, int batchSize);
    }

    /**
     * The plain engine: one gradient request per step, then one Adam step here. In float32 the parameters and
     * moments are rounded once at the epoch's start (they hold float32 values already) and widened back at its end.
     */
    static EpochEngine stepwise(GradientSource source) {
        return new EpochEngine() {
            private double[] grad;

            @Override
            public double epoch(VaeConfig c, double[] params, Adam adam, int epoch, int[] order, StepProgress progress) {
                if (c.inFloat()) {
                    return floatEpoch(c, params, adam, epoch, order, progress);
                }
                if (grad == null || grad.length != params.length) {
                    grad = new double[params.length];
                }
                int n = order.length;
                double sum = 0;
                for (int from = 0, s = 0; from < n; from += c.batchSize(), s++) {
                    int[] batch = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + c.batchSize()));
                    java.util.Arrays.fill(grad, 0);
                    double loss = source.lossAndGradient(params, epoch, batch, grad);
                    if (!Double.isFinite(loss)) {
                        progress.step(s + 1, Math.min(n, from + c.batchSize()), loss, batch.length);
                        return sum + loss;
                    }
                    adam.update(params, grad);
                    sum += loss;
                    progress.step(s + 1, Math.min(n, from + c.batchSize()), loss, batch.length);
                }
                return sum;
            }

            private double floatEpoch(VaeConfig c, double[] params, Adam adam, int epoch, int[] order,
                                      StepProgress progress) {
                float[] p = Floats.narrow(params);
                float[] m = Floats.narrow(adam.m);
                float[] v = Floats.narrow(adam.v);
                float[] g = new float[p.length];
                int n = order.length;
                double sum = 0;
                long updates = 0;
                for (int from = 0, s = 0; from < n; from += c.batchSize(), s++) {
                    int[] batch = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + c.batchSize()));
                    double loss = source.lossAndGradient(p, epoch, batch, g); // writes all of g
                    if (Double.isFinite(loss)) {
                        adam.applyTo(p, m, v, g, 0, p.length, adam.step() + s + 1);
                        updates++;
                    }
                    sum += loss;
                    progress.step(s + 1, Math.min(n, from + c.batchSize()), loss, batch.length);
                    if (!Double.isFinite(loss)) {
                        break;
                    }
                }
                Floats.widen(p, params, p.length);
                adam.advance(Floats.widen(m), Floats.widen(v), updates);
                return sum;
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }
}
