package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

/** A saved model loads back equal, bit for bit, and assigns events exactly as before. */
class CaviModelRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void saveThenLoadGivesTheSameModelAndResponsibilities() {
        List<EventBlock> blocks = new SyntheticCatalogue(new double[] {0, 0, 5, 5}, new double[] {3, 30},
                new double[] {0.5, 0.5}, 2.0).blocks(1, 0, 300, 100);
        DataMoments m = new DataMoments(2);
        blocks.forEach(m::add);
        for (PiPrior prior : PiPrior.values()) {
            Hyperparameters h = new HyperparameterSpec(null, null, null, null, null, null, prior, 0.5).resolve(m, 2);
            CaviFit fit = CaviAlgorithm.best(CaviAlgorithm.fitAll(new LocalCaviData(blocks), h,
                    CaviOptions.defaults().withK(2).withRestarts(1), m.totalWeight(), m.meanStrength(), CaviListener.NONE));
            // a 2-D system with a reference point (the data are 2-D; the loader refuses a model whose d is not its coords')
            CoordinateSystem cs = new CoordinateSystem(CoordinateSystem.Kind.LOCAL_KM, 35.5, -120.25, List.of());
            CaviModel model = CaviModel.of(h, fit.parameters(), cs, StrengthSpec.column("nst"), "w");
            String out = dir.resolve("run-" + prior).toString();
            try (AtomicOutput o = new AtomicOutput(org.sparkvi.io.OutputRequest.of(out, "test"), new Configuration())) {
                model.save(o, "model");
                o.commit();
            }
            CaviModel loaded = CaviModel.load(out, new Configuration());
            assertEquals(model, loaded);
            assertArrayEquals(model.mean(), loaded.mean());
            assertEquals(model.coords(), loaded.coords());
            ResponsibilityKernel a = model.kernel();
            ResponsibilityKernel b = loaded.kernel();
            for (EventBlock block : blocks) {
                for (int n = 0; n < block.size; n++) {
                    assertArrayEquals(a.responsibilities(block, n), b.responsibilities(block, n));
                }
            }
        }
    }
}
