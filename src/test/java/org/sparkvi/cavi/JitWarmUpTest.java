package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up fits its own catalogue, and a fit running beside it gives the same bits as one running alone. */
class JitWarmUpTest {
    @Test
    void warmUpFitsAndLeavesOtherFitsUnchanged() throws Exception {
        CaviFit warm = JitWarmUp.run(3, 8);
        assertEquals(8, warm.parameters().k());
        assertTrue(Double.isFinite(warm.elbo()), "the warm-up's ELBO " + warm.elbo());

        double[] alone = fit();
        Thread t = JitWarmUp.start(3, 8);
        double[] beside = fit();
        t.join();
        assertTrue(java.util.Arrays.equals(alone, beside), "a fit beside the warm-up differs from one alone");
    }

    /** A small fit's ELBO trace and posterior means. */
    static double[] fit() {
        double[] centers = {0, 0, 0, 5, 5, 5, -5, 5, 0};
        List<EventBlock> blocks = new SyntheticCatalogue(centers, new double[] {3, 9, 20}, new double[] {0.3, 0.3, 0.4}, 1.0)
                .blocks(7, 0, 30_000, 4_000);
        DataMoments m = new DataMoments(3);
        blocks.forEach(m::add);
        CaviOptions o = CaviOptions.defaults().withK(3).withMaxIter(30).withTol(0).withRestarts(2).withSeed(3);
        CaviFit f = CaviAlgorithm.best(CaviAlgorithm.fitAll(new LocalCaviData(blocks),
                HyperparameterSpec.defaults().resolve(m, 3), o, m.totalWeight(), m.meanStrength(), CaviListener.NONE));
        VariationalParameters q = f.parameters();
        java.util.stream.DoubleStream.Builder out = java.util.stream.DoubleStream.builder();
        f.elboTrace().forEach(out::add);
        for (double[] a : new double[][] {q.mean, q.rhoStar, q.shape, q.rate}) {
            java.util.Arrays.stream(a).forEach(out::add);
        }
        return out.build().toArray();
    }
}
