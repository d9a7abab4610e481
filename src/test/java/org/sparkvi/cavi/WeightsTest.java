package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A weight multiplies an event's every term (w_n r_nk in the statistics and the ELBO), so a weight of 2 must give
 * exactly what the same event entered twice gives: the same q and the same ELBO.
 */
class WeightsTest {
    @Test
    void integerWeightsEqualDuplicatedEvents() {
        EventBlock raw = new SyntheticCatalogue(new double[] {0, 0, 4, 1, -3, 5}, new double[] {2, 9, 25},
                new double[] {0.5, 0.3, 0.2}, 1.0).blocks(3, 0, 400, 400).get(0);
        EventBlock.Builder weighted = new EventBlock.Builder(2, true, false);
        EventBlock.Builder duplicated = new EventBlock.Builder(2, false, false);
        for (int n = 0; n < raw.size; n++) {
            int w = 1 + n % 3;
            weighted.add(raw.location(n), raw.strength[n], w, raw.logBase[n], n);
            for (int copy = 0; copy < w; copy++) {
                duplicated.add(raw.location(n), raw.strength[n], 1, raw.logBase[n], n * 3L + copy);
            }
        }
        List<EventBlock> a = List.of(weighted.build());
        List<EventBlock> b = List.of(duplicated.build());
        DataMoments ma = new DataMoments(2).add(a.get(0));
        DataMoments mb = new DataMoments(2).add(b.get(0));
        assertEquals(ma.totalWeight(), mb.totalWeight(), 1e-9);
        Hyperparameters h = HyperparameterSpec.defaults().resolve(ma, 3);
        double[] centers = new LocalCaviData(a).seedCenters(CaviOptions.defaults().withK(3), 0);
        CaviOptions o = CaviOptions.defaults().withK(3).withMaxIter(30).withTol(0);
        CaviFit fa = CaviAlgorithm.fit(new LocalCaviData(a), h, VariationalParameters.initial(h, centers, ma.totalWeight(),
                ma.meanStrength()), o, 0, CaviListener.NONE);
        CaviFit fb = CaviAlgorithm.fit(new LocalCaviData(b), h, VariationalParameters.initial(h, centers, mb.totalWeight(),
                mb.meanStrength()), o, 0, CaviListener.NONE);
        assertEquals(fb.elbo(), fa.elbo(), 1e-9 * Math.abs(fb.elbo()));
        for (int c = 0; c < 3; c++) {
            assertEquals(fb.parameters().rhoStar(c), fa.parameters().rhoStar(c), 1e-9 * fb.parameters().rhoStar(c));
            assertEquals(fb.parameters().shape(c), fa.parameters().shape(c), 1e-9 * fb.parameters().shape(c));
            for (int j = 0; j < 2; j++) {
                assertEquals(fb.parameters().mean(c)[j], fa.parameters().mean(c)[j], 1e-9);
            }
        }
    }
}
