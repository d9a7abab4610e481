package org.sparkvi.cavi;

/**
 * Sorts 64-bit values in signed order by eight stable passes on 8-bit digits (the last with the sign bit flipped):
 * about 8n reads and writes, against Arrays.sort's n log n comparisons, for the millions of id hashes a partition
 * of a large catalogue holds (it took a tenth of the read's time there). Eight passes on bytes beat four on 16-bit
 * digits, whose 65,536 buckets scatter each pass's writes over as many cache lines: 2.5 million random hashes
 * took 59-68 ms against 86-99 ms here (three runs each, one JVM, after three warm-up runs).
 */
final class RadixSort {
    private RadixSort() {
    }

    /** Sorts {@code a[0, n)} in place and returns it. */
    static long[] sort(long[] a, int n) {
        if (n < 1 << 12) {
            java.util.Arrays.sort(a, 0, n);
            return a;
        }
        long[] from = a;
        long[] to = new long[n];
        int[] count = new int[1 << 8];
        for (int shift = 0; shift < 64; shift += 8) {
            long flip = shift == 56 ? 0x80L : 0;
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) (((from[i] >>> shift) & 0xFF) ^ flip)]++;
            }
            int sum = 0;
            for (int d = 0; d < count.length; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                long v = from[i];
                to[count[(int) (((v >>> shift) & 0xFF) ^ flip)]++] = v;
            }
            long[] t = from;
            from = to;
            to = t;
        }
        return from; // eight passes: back in a
    }
}
