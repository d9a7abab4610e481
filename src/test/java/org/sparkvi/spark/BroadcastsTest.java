package org.sparkvi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.BroadcastBlockId;
import org.junit.jupiter.api.Test;
import org.sparkvi.TestSpark;

/**
 * A broadcast destroyed by {@link Broadcasts#destroyNow} has no block left on the driver when the call returns, so
 * Spark's ContextCleaner, removing it again once the object is collected, has nothing to race with; the removal
 * Spark's cleaner then runs is the one it runs for every broadcast, and it finds nothing.
 */
class BroadcastsTest {
    @Test
    void aDestroyedBroadcastHasNoBlockLeftWhenTheCallReturns() throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        // a large value, as the VAE's pixels are (their removal takes long enough to be raced)
        byte[] payload = new byte[10 << 20];
        payload[payload.length - 1] = 7;
        for (int round = 0; round < 5; round++) {
            Broadcast<byte[]> b = jsc.broadcast(payload);
            assertEquals(7, jsc.parallelize(List.of(1, 2), 2).map(i -> (int) b.value()[b.value().length - 1])
                    .reduce(Integer::sum) / 2);
            assertFalse(blocksOf(b.id()).isEmpty(), "the broadcast's blocks are on the driver while it lives");
            Broadcasts.destroyNow(b);
            assertTrue(blocksOf(b.id()).isEmpty(), "blocks left after destroyNow: " + blocksOf(b.id()));
            // what the ContextCleaner does once the object is collected: a second removal, now of nothing
            assertEquals(0, SparkEnv.get().blockManager().removeBroadcast(b.id(), true));
        }
    }

    private static List<BroadcastBlockId> blocksOf(long id) {
        List<BroadcastBlockId> found = new java.util.ArrayList<>();
        scala.jdk.javaapi.CollectionConverters.asJava(SparkEnv.get().blockManager().blockInfoManager().entries()
                .toSeq()).forEach(e -> {
                    if (e._1() instanceof BroadcastBlockId bid && bid.broadcastId() == id) {
                        found.add(bid);
                    }
                });
        return found;
    }
}
