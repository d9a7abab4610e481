package org.sparkvi.cavi;

/**
 * r_n· of a block's events taken in order, computed a SIMD chunk at a time ({@link VectorEStep#responsibilities}:
 * r = exp(l − max)/Σ), and one at a time by the kernel for the block's last few events that fill no whole lane
 * (and everywhere when the Vector API is absent). The two forms agree to a few ulps; a given event always takes
 * the same one, so the output is the same in every run. For the final E-step and assignments.parquet, where one
 * exp per event and cluster done one at a time was most of the work.
 */
final class BlockResponsibilities {
    private final ResponsibilityKernel kernel;
    private final VectorEStep.Workspace ws;
    private final double[] one;
    private EventBlock block;
    private int from;
    private int len;
    /** After {@link #load}: event n's r_c is {@code values[c * stride + offset]}. */
    double[] values;
    int stride;
    int offset;

    BlockResponsibilities(ResponsibilityKernel kernel) {
        this.kernel = kernel;
        this.ws = VectorEStep.AVAILABLE ? new VectorEStep.Workspace(kernel.k, kernel.d) : null;
        this.one = new double[kernel.k];
    }

    /**
     * Makes the responsibilities of event n of block b, and of the events after it in its chunk, readable through
     * {@link #values}, {@link #stride} and {@link #offset} (event n + i's r_c at {@code values[c * stride + offset
     * + i]}); returns how many events from n on that holds, at least 1. Chunks start where the previous one ended,
     * so a block's events fall into the same chunks however they are asked for.
     */
    int load(EventBlock b, int n) {
        if (b != block || n < from || n >= from + len) {
            int end = VectorEStep.vectorEnd(b);
            if (n >= end) {
                kernel.responsibilities(b, n, one);
                values = one;
                stride = 1;
                offset = 0;
                return 1;
            }
            block = b;
            from = n;
            len = Math.min(ws.chunk, end - n);
            VectorEStep.responsibilities(kernel, b, ws, from, len);
        }
        values = ws.l;
        stride = ws.chunk;
        offset = n - from;
        return from + len - n;
    }
}
