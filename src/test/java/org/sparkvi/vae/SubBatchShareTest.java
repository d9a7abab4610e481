package org.sparkvi.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every position of a batch is computed by exactly one shard, in order, and the shards' shares differ by one at most. */
class SubBatchShareTest {
    @Test
    void sharesTileTheBatchEvenly() {
        for (int partitions = 1; partitions <= 8; partitions++) {
            for (int length = 0; length <= 203; length++) {
                int next = 0;
                int smallest = Integer.MAX_VALUE;
                int largest = 0;
                for (int p = 0; p < partitions; p++) {
                    int from = SubBatch.shareStart(length, partitions, p);
                    int to = SubBatch.shareStart(length, partitions, p + 1);
                    assertEquals(next, from, "shard " + p + " of " + partitions + " starts where the previous ended");
                    smallest = Math.min(smallest, to - from);
                    largest = Math.max(largest, to - from);
                    next = to;
                }
                assertEquals(length, next, "the shares end at the batch's end");
                assertTrue(largest - smallest <= 1, partitions + " shares of " + length + ": " + smallest + ".." + largest);
            }
        }
    }
}
