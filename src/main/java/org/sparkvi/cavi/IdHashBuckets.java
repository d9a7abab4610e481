package org.sparkvi.cavi;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Whether an id hash occurs twice in the whole catalogue, found without sorting. Each partition groups its 64-bit
 * hashes by their top {@link #BITS} bits into {@link #COUNT} buckets (a counting pass and a scattering pass); equal
 * hashes fall in the same bucket of every partition, so the driver checks each bucket on its own, gathering it from
 * all partitions into a small open-addressing set (about 2,400 values a bucket at 10⁷ events: 64 KB of table, in a
 * core's cache), the buckets shared among the driver's cores.
 * <p>
 * This replaced a radix sort of each partition's hashes (eight passes) and a P-way merge of the sorted runs on the
 * driver's one thread: together a third of a warm 10⁷ read's samples in JFR, the merge alone 0.2-0.3 s after the
 * read job.
 */
final class IdHashBuckets {
    static final int BITS = 12;
    static final int COUNT = 1 << BITS;
    /** Buckets checked by one task of the driver's parallel check (one table reused for them). */
    private static final int BUCKETS_PER_TASK = 64;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private IdHashBuckets() {
    }

    /**
     * A partition's hashes grouped by bucket, as bytes in native order (Java serialisation writes a byte[] in one
     * copy, a long[] a long at a time); bucket b holds values [ends[b − 1], ends[b]) (from 0 for b = 0).
     */
    record Grouped(byte[] bytes, int[] ends) implements Serializable {
        long get(int i) {
            return (long) LONGS.get(bytes, i << 3);
        }

        int start(int b) {
            return b == 0 ? 0 : ends[b - 1];
        }

        int size() {
            return bytes.length >>> 3;
        }
    }

    static int bucket(long hash) {
        return (int) (hash >>> (64 - BITS));
    }

    /** hashes[0, n) grouped by bucket, each bucket's values in the order they came. */
    static Grouped group(long[] hashes, int n) {
        if (n > Integer.MAX_VALUE >>> 3) {
            throw new IllegalArgumentException(n + " id hashes in one partition: more than a byte array holds");
        }
        int[] ends = new int[COUNT];
        for (int i = 0; i < n; i++) {
            ends[bucket(hashes[i])]++;
        }
        int[] next = new int[COUNT];
        int sum = 0;
        for (int b = 0; b < COUNT; b++) {
            next[b] = sum;
            sum += ends[b];
            ends[b] = sum;
        }
        byte[] out = new byte[n << 3];
        for (int i = 0; i < n; i++) {
            long v = hashes[i];
            LONGS.set(out, (next[bucket(v)]++) << 3, v);
        }
        return new Grouped(out, ends);
    }

    /** Whether some value occurs twice among all the partitions' hashes (in one partition or across two). */
    static boolean anyRepeated(List<Grouped> parts) {
        return IntStream.range(0, COUNT / BUCKETS_PER_TASK).parallel().anyMatch(task -> {
            long[] table = new long[0];
            for (int b = task * BUCKETS_PER_TASK; b < (task + 1) * BUCKETS_PER_TASK; b++) {
                int total = 0;
                for (Grouped p : parts) {
                    total += p.ends[b] - p.start(b);
                }
                if (total < 2) {
                    continue;
                }
                int capacity = Integer.highestOneBit(2 * total - 1) << 1; // a power of two, at least twice the values
                if (table.length < capacity) {
                    table = new long[capacity];
                } else {
                    java.util.Arrays.fill(table, 0, capacity, 0L);
                }
                if (repeatedIn(parts, b, table, capacity - 1)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Linear probing on the low bits (XXH64 mixes every bit; the top ones are the bucket's); 0 marks a free slot, so
     * a hash of 0 is counted apart.
     */
    private static boolean repeatedIn(List<Grouped> parts, int b, long[] table, int mask) {
        boolean zero = false;
        for (Grouped p : parts) {
            for (int i = p.start(b), end = p.ends[b]; i < end; i++) {
                long v = p.get(i);
                if (v == 0) {
                    if (zero) {
                        return true;
                    }
                    zero = true;
                    continue;
                }
                int slot = (int) v & mask;
                while (true) {
                    long t = table[slot];
                    if (t == 0) {
                        table[slot] = v;
                        break;
                    }
                    if (t == v) {
                        return true;
                    }
                    slot = (slot + 1) & mask;
                }
            }
        }
        return false;
    }
}
