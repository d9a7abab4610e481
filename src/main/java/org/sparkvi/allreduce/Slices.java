package org.sparkvi.allreduce;

/** Rank r of P owns entries [⌊N·r/P⌋, ⌊N·(r+1)/P⌋) of a vector of N: contiguous, covering, sizes differing by at most 1. */
public final class Slices {
    private Slices() {
    }

    public static int from(int size, int rank, int ranks) {
        return (int) ((long) size * rank / ranks);
    }

    public static int to(int size, int rank, int ranks) {
        return (int) ((long) size * (rank + 1) / ranks);
    }
}
