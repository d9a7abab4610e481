package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CAVI's ELBO never decreases: over many random data sets, sizes, dimensions, hyperparameters, priors, weights
 * and seeds, every step of the trace is non-decreasing (the algorithm also checks each half-step itself and
 * throws {@link ElboDecreasedException}).
 */
class ElboMonotoneTest {

    @Test
    void elboNeverDecreasesOverManyRandomProblems() {
        Random rnd = new Random(2024);
        for (int trial = 0; trial < 60; trial++) {
            int k = 1 + rnd.nextInt(6);
            int d = 1 + rnd.nextInt(3);
            int trueK = 1 + rnd.nextInt(5);
            double tau = Math.exp(rnd.nextGaussian());
            double[] centers = new double[trueK * d];
            double[] rates = new double[trueK];
            double[] pi = new double[trueK];
            for (int c = 0; c < trueK; c++) {
                for (int j = 0; j < d; j++) {
                    centers[c * d + j] = rnd.nextGaussian() * 4;
                }
                rates[c] = 0.5 + rnd.nextDouble() * 20;
                pi[c] = 1.0 / trueK;
            }
            List<EventBlock> raw = new SyntheticCatalogue(centers, rates, pi, tau)
                    .blocks(trial, 0, 20 + rnd.nextInt(300), 1 + rnd.nextInt(64));
            List<EventBlock> blocks = rnd.nextBoolean() ? raw : withRandomWeights(raw, rnd);
            DataMoments m = new DataMoments(d);
            blocks.forEach(m::add);
            PiPrior prior = rnd.nextBoolean() ? PiPrior.FIXED : PiPrior.DIRICHLET;
            HyperparameterSpec spec = new HyperparameterSpec(rnd.nextBoolean() ? null : tau * Math.exp(rnd.nextGaussian()),
                    null, null, 0.5 + rnd.nextDouble() * 3, null, null, prior, Math.exp(rnd.nextGaussian() * 2));
            Hyperparameters h = spec.resolve(m, k);
            CaviOptions o = CaviOptions.defaults().withK(k).withMaxIter(200).withTol(0).withRestarts(1).withSeed(trial);
            CaviFit fit = CaviAlgorithm.best(CaviAlgorithm.fitAll(new LocalCaviData(blocks), h, o,
                    m.totalWeight(), m.meanStrength(), CaviListener.NONE));
            List<Double> t = fit.elboTrace();
            for (int i = 1; i < t.size(); i++) {
                double slack = 1e-9 * (1 + Math.abs(t.get(i)));
                assertTrue(t.get(i) >= t.get(i - 1) - slack,
                        "trial " + trial + ": ELBO fell from " + t.get(i - 1) + " to " + t.get(i) + " at step " + i);
            }
        }
    }

    static List<EventBlock> withRandomWeights(List<EventBlock> blocks, Random rnd) {
        return blocks.stream().map(b -> {
            double[] w = new double[b.size];
            for (int n = 0; n < b.size; n++) {
                w[n] = 0.1 + 2 * rnd.nextDouble();
            }
            return new EventBlock(b.dim, b.x, b.strength, w, b.logBase, b.index, null, null, null, null, null, null);
        }).toList();
    }
}
