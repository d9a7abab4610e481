package org.sparkvi.cavi;

import java.util.List;

/** Events held in memory: the single-process reference the Spark implementation must equal. */
public final class LocalCaviData implements CaviData {
    private final List<EventBlock> blocks;
    private final int d;

    public LocalCaviData(List<EventBlock> blocks) {
        this.blocks = List.copyOf(blocks);
        this.d = blocks.get(0).dim;
    }

    @Override
    public SufficientStatistics pass(Hyperparameters h, VariationalParameters q, String description) {
        ResponsibilityKernel kernel = new ResponsibilityKernel(h, q);
        SufficientStatistics total = new SufficientStatistics(h.k(), d);
        for (EventBlock b : blocks) {
            total.merge(new SufficientStatistics(h.k(), d).add(b, kernel));
        }
        return total;
    }

    @Override
    public double[] seedCenters(CaviOptions o, int restart) {
        double[] centers = new double[o.k() * d];
        for (int step = 0; step < o.k(); step++) {
            KMeansPlusPlus.Candidate best = null;
            for (EventBlock b : blocks) {
                best = KMeansPlusPlus.Candidate.better(best, KMeansPlusPlus.best(b, centers, step, o.seed(), restart, o.k()));
            }
            System.arraycopy(best.x(), 0, centers, step * d, d);
        }
        return centers;
    }

    public List<EventBlock> blocks() {
        return blocks;
    }
}
