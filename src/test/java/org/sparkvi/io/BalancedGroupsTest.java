package org.sparkvi.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every partition lands in exactly one group, each group's rows are its members' sum, groups differ by at most
 * the largest partition (the bound of filling the least loaded group largest first), and the same counts give the
 * same groups.
 */
class BalancedGroupsTest {
    @Test
    void groupsHoldEveryPartitionOnceAndDifferByAtMostTheLargest() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(60);
            int g = 1 + random.nextInt(12);
            long[] rows = new long[n];
            long largest = 0;
            for (int i = 0; i < n; i++) {
                rows[i] = random.nextInt(4) == 0 ? 0 : random.nextLong(1, 1_000_000);
                largest = Math.max(largest, rows[i]);
            }
            BalancedGroups groups = new BalancedGroups(rows, g);
            assertEquals(g, groups.count());
            int[] seen = new int[n];
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < g; i++) {
                long sum = 0;
                int last = -1;
                for (int p : groups.members(i)) {
                    seen[p]++;
                    sum += rows[p];
                    assertTrue(p > last, "members in index order");
                    last = p;
                }
                assertEquals(sum, groups.rows()[i]);
                min = Math.min(min, sum);
                max = Math.max(max, sum);
            }
            for (int s : seen) {
                assertEquals(1, s);
            }
            assertTrue(max - min <= largest, "groups " + min + ".." + max + ", largest partition " + largest);
            BalancedGroups again = new BalancedGroups(rows.clone(), g);
            for (int i = 0; i < g; i++) {
                assertArrayEquals(groups.members(i), again.members(i));
            }
        }
    }

    @Test
    void twentyEqualFilesOnTwoCoresMakeEqualPartitions() {
        long[] rows = new long[20];
        java.util.Arrays.fill(rows, 500_000);
        assertArrayEquals(new long[] {2_500_000, 2_500_000, 2_500_000, 2_500_000}, new BalancedGroups(rows, 4).rows());
    }
}
