package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bucketed check for a repeated id hash, against a set of every value seen. */
class IdHashBucketsTest {
    @Test
    void findsARepeatExactlyWhenASetOfTheValuesWould() {
        Random random = new Random(5);
        int repeats = 0;
        for (int trial = 0; trial < 2000; trial++) {
            int p = 1 + random.nextInt(9);
            List<long[]> parts = new ArrayList<>();
            for (int r = 0; r < p; r++) {
                int n = random.nextInt(4) == 0 ? 0 : random.nextInt(60);
                long[] part = new long[n];
                for (int i = 0; i < n; i++) {
                    part[i] = switch (trial % 4) {
                        case 0 -> random.nextLong();
                        // a narrow range around 0 (repeats common, 0 itself among them, both signs)
                        case 1 -> random.nextInt(400) - 200;
                        // one bucket: the same top 12 bits, so every value probes the same table
                        case 2 -> (0xABCL << 52) | random.nextInt(300);
                        // the extremes of the bucket order and a few values, repeated or not
                        default -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1}[random.nextInt(5)]
                                + (random.nextBoolean() ? 0 : 7L * random.nextInt(1000));
                    };
                }
                parts.add(part);
            }
            Set<Long> seen = new HashSet<>();
            boolean repeated = false;
            for (long[] part : parts) {
                for (long v : part) {
                    repeated |= !seen.add(v);
                }
            }
            repeats += repeated ? 1 : 0;
            List<IdHashBuckets.Grouped> grouped = parts.stream().map(a -> IdHashBuckets.group(a.clone(), a.length)).toList();
            assertEquals(repeated, IdHashBuckets.anyRepeated(grouped), "trial " + trial);
        }
        assertTrue(repeats > 200 && repeats < 1800, repeats + " trials with a repeat: both cases must be exercised");
    }

    @Test
    void eachBucketHoldsExactlyTheValuesWithItsTopBitsInTheirOrder() {
        Random random = new Random(11);
        long[] values = new long[50_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 3 == 0 ? random.nextLong() : random.nextInt(1 << 20) * (random.nextBoolean() ? 1L : -1L) << 40;
        }
        int n = values.length - 17; // only the first n count
        IdHashBuckets.Grouped g = IdHashBuckets.group(values, n);
        assertEquals(n, g.size());
        assertEquals(n, g.ends()[IdHashBuckets.COUNT - 1]);
        for (int b = 0; b < IdHashBuckets.COUNT; b++) {
            final int bucket = b;
            long[] expected = Arrays.stream(values, 0, n).filter(v -> IdHashBuckets.bucket(v) == bucket).toArray();
            long[] got = new long[g.ends()[b] - g.start(b)];
            for (int i = 0; i < got.length; i++) {
                got[i] = g.get(g.start(b) + i);
            }
            assertArrayEquals(expected, got, "bucket " + b);
        }
    }

    @Test
    void aRepeatAcrossPartitionsOrWithinOneIsFoundAndNoneWithout() {
        assertTrue(check(new long[] {-5, 1, 9}, new long[] {9}));
        assertTrue(check(new long[] {0, 3, 0}));
        assertTrue(check(new long[] {Long.MIN_VALUE}, new long[] {}, new long[] {Long.MIN_VALUE}));
        assertFalse(check(new long[] {-5, 1, 9}, new long[] {10}, new long[] {0}));
        assertFalse(check());
        assertFalse(check(new long[] {}));
    }

    private static boolean check(long[]... parts) {
        return IdHashBuckets.anyRepeated(Arrays.stream(parts).map(a -> IdHashBuckets.group(a, a.length)).toList());
    }
}
