package org.sparkvi.cavi;

import java.nio.LongBuffer;
import java.util.List;

/**
 * Whether a value occurs twice among sorted runs of 64-bit values (signed order), read in place: one pass of a
 * P-way merge through a binary heap of the runs' heads, O(N log P), allocating nothing per value. The catalogue's
 * id hashes come to the driver as such runs, one a partition, in their bytes; merging them into new arrays,
 * pairwise, had allocated and written three times their 8 bytes an event (240 MB at 10⁷ events) on the driver's one
 * thread after the read.
 */
final class SortedRuns {
    private SortedRuns() {
    }

    static boolean anyRepeated(List<LongBuffer> runs) {
        int p = runs.size();
        int[] heap = new int[p];
        long[] head = new long[p];
        int[] at = new int[p];
        int size = 0;
        for (int r = 0; r < p; r++) {
            if (runs.get(r).limit() > 0) {
                head[r] = runs.get(r).get(0);
                heap[size] = r;
                siftUp(heap, head, size++);
            }
        }
        boolean first = true;
        long last = 0;
        while (size > 0) {
            int r = heap[0];
            long v = head[r];
            if (!first && v == last) {
                return true;
            }
            first = false;
            last = v;
            LongBuffer run = runs.get(r);
            if (++at[r] < run.limit()) {
                head[r] = run.get(at[r]);
            } else {
                heap[0] = heap[--size];
            }
            siftDown(heap, head, size);
        }
        return false;
    }

    private static void siftUp(int[] heap, long[] head, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (head[heap[parent]] <= head[heap[i]]) {
                return;
            }
            swap(heap, parent, i);
            i = parent;
        }
    }

    private static void siftDown(int[] heap, long[] head, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int c = l + 1 < size && head[heap[l + 1]] < head[heap[l]] ? l + 1 : l;
            if (head[heap[i]] <= head[heap[c]]) {
                return;
            }
            swap(heap, i, c);
            i = c;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
