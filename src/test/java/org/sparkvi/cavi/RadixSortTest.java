package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RadixSortTest {
    @Test
    void sortsSignedLongsAsArraysSortDoes() {
        Random rnd = new Random(4);
        for (int n : new int[] {0, 1, 100, 4095, 4096, 100_000}) {
            long[] a = new long[n + 7]; // only the first n are sorted
            for (int i = 0; i < a.length; i++) {
                a[i] = i % 5 == 0 ? rnd.nextInt(10) - 5 : rnd.nextLong(); // repeats, small negatives, the full range
            }
            if (n > 2) {
                a[0] = Long.MIN_VALUE;
                a[1] = Long.MAX_VALUE;
            }
            long[] expected = a.clone();
            Arrays.sort(expected, 0, n);
            assertArrayEquals(expected, RadixSort.sort(a, n));
        }
    }
}
