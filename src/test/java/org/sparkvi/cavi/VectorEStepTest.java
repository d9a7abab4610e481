package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SIMD E-step gives the statistics of the one-event-at-a-time E-step, to summation-order round-off. */
class VectorEStepTest {
    @Test
    void simdAndScalarStatisticsAgree() {
        assertTrue(VectorEStep.AVAILABLE, "the test JVM runs with --add-modules=jdk.incubator.vector");
        Random rnd = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int d = 1 + rnd.nextInt(4); // 2 and 3 have loops of their own, 1 and 4 take the any-D path
            // K = 64 and 256 cut a block into several chunks of fewer events (VectorEStep.chunkSize)
            int k = trial < 16 ? 1 + rnd.nextInt(9) : trial < 18 ? 64 : 256;
            List<EventBlock> raw = catalogue(rnd, k, d).blocks(trial, 0, 37 + rnd.nextInt(trial < 16 ? 500 : 3000), 10_000);
            EventBlock b = trial % 2 == 0 ? raw.get(0) : ElboMonotoneTest.withRandomWeights(raw, rnd).get(0);
            ResponsibilityKernel kern = kernelAtSeeds(List.of(b), k, d);
            SufficientStatistics simd = new SufficientStatistics(k, d).add(b, kern);
            SufficientStatistics scalar = new SufficientStatistics(k, d).addScalar(b, kern, 0, b.size);
            assertEquals(scalar.count, simd.count);
            close(scalar.weight, simd.weight);
            close(scalar.weightedLogSumExp, simd.weightedLogSumExp);
            close(scalar.weightedRLogR, simd.weightedRLogR);
            close(scalar.weightedBase, simd.weightedBase);
            for (int c = 0; c < k; c++) {
                close(scalar.nk[c], simd.nk[c]);
                close(scalar.sxx[c], simd.sxx[c]);
                close(scalar.ss[c], simd.ss[c]);
                for (int j = 0; j < d; j++) {
                    close(scalar.sx[c * d + j], simd.sx[c * d + j]);
                }
            }
        }
    }

    @Test
    void chunkedResponsibilitiesAreTheKernelsToRoundOff() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 12; trial++) {
            int d = 1 + trial % 3;
            int k = trial < 8 ? 1 + rnd.nextInt(9) : trial < 10 ? 64 : 256;
            List<EventBlock> blocks = catalogue(rnd, k, d).blocks(trial, 0, 1 + rnd.nextInt(1500), 1 + rnd.nextInt(700));
            ResponsibilityKernel kern = kernelAtSeeds(blocks, k, d);
            BlockResponsibilities chunked = new BlockResponsibilities(kern);
            for (EventBlock b : blocks) {
                for (int n = 0; n < b.size; ) {
                    int run = chunked.load(b, n);
                    assertTrue(run >= 1 && n + run <= b.size, "run " + run + " at event " + n + " of " + b.size);
                    for (int i = 0; i < run; i++, n++) {
                        double[] expected = kern.responsibilities(b, n);
                        for (int c = 0; c < k; c++) {
                            double got = chunked.values[c * chunked.stride + chunked.offset + i];
                            // exp(l − logsumexp) in the kernel carries logsumexp's rounding, up to ~1e-13 at |l| ~ 1000
                            assertEquals(expected[c], got, 1e-12, "K=" + k + " event " + n + " of " + b.size + ", cluster " + c);
                        }
                    }
                }
            }
        }
    }

    /** K clusters with random centres (sd 3) and Poisson rates in [1, 31), equal weights, τ = 1.5. */
    private static SyntheticCatalogue catalogue(Random rnd, int k, int d) {
        double[] centers = new double[k * d];
        double[] rates = new double[k];
        double[] pi = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                centers[c * d + j] = rnd.nextGaussian() * 3;
            }
            rates[c] = 1 + rnd.nextDouble() * 30;
            pi[c] = 1.0 / k;
        }
        return new SyntheticCatalogue(centers, rates, pi, 1.5);
    }

    /** The E-step kernel of the default hyperparameters at the k-means++ starting point of the blocks. */
    private static ResponsibilityKernel kernelAtSeeds(List<EventBlock> blocks, int k, int d) {
        DataMoments m = new DataMoments(d);
        blocks.forEach(m::add);
        Hyperparameters h = HyperparameterSpec.defaults().resolve(m, k);
        VariationalParameters q = VariationalParameters.initial(h, new LocalCaviData(blocks)
                .seedCenters(CaviOptions.defaults().withK(k), 0), m.totalWeight(), m.meanStrength());
        return new ResponsibilityKernel(h, q);
    }

    /** Sums of up to a few thousand terms in another order: agreement to 1e-12 relative of the terms' scale. */
    private static void close(double expected, double actual) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)));
    }
}
