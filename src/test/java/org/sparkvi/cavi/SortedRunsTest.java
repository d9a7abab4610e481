package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The P-way scan for a repeated value among sorted runs, against a set of every value seen. */
class SortedRunsTest {
    @Test
    void findsARepeatExactlyWhenASetOfTheValuesWould() {
        Random random = new Random(5);
        int repeats = 0;
        for (int trial = 0; trial < 2000; trial++) {
            int p = 1 + random.nextInt(9);
            List<long[]> runs = new ArrayList<>();
            for (int r = 0; r < p; r++) {
                int n = random.nextInt(4) == 0 ? 0 : random.nextInt(40);
                long[] run = new long[n];
                for (int i = 0; i < n; i++) {
                    // a narrow range makes repeats common; some trials take the extremes of the signed order
                    run[i] = trial % 3 == 0 ? random.nextLong() : random.nextInt(400) - 200;
                }
                if (trial % 7 == 0 && n > 0) {
                    run[0] = Long.MIN_VALUE;
                    run[n - 1] = Long.MAX_VALUE;
                }
                Arrays.sort(run);
                runs.add(run);
            }
            Set<Long> seen = new HashSet<>();
            boolean repeated = false;
            for (long[] run : runs) {
                for (long v : run) {
                    repeated |= !seen.add(v);
                }
            }
            repeats += repeated ? 1 : 0;
            assertEquals(repeated, SortedRuns.anyRepeated(runs.stream().map(LongBuffer::wrap).toList()), "trial " + trial);
        }
        assertTrue(repeats > 200 && repeats < 1800, repeats + " trials with a repeat: both cases must be exercised");
    }

    @Test
    void aRepeatAcrossRunsAtTheirEndsIsFound() {
        assertTrue(SortedRuns.anyRepeated(List.of(LongBuffer.wrap(new long[] {-5, 1, 9}), LongBuffer.wrap(new long[] {9}))));
        assertFalse(SortedRuns.anyRepeated(List.of(LongBuffer.wrap(new long[] {-5, 1, 9}), LongBuffer.wrap(new long[] {10}))));
        assertFalse(SortedRuns.anyRepeated(List.of()));
    }
}
