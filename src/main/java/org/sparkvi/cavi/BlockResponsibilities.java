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
    private EventBlock block;
    private int from;
    private int len;

    BlockResponsibilities(ResponsibilityKernel kernel) {
        this.kernel = kernel;
        this.ws = VectorEStep.AVAILABLE ? new VectorEStep.Workspace(kernel.k, kernel.d) : null;
    }

    /** Fills r (length K) with the responsibilities of event n of block b and returns it. */
    double[] of(EventBlock b, int n, double[] r) {
        if (b != block || n < from || n >= from + len) {
            int end = VectorEStep.vectorEnd(b);
            if (n >= end) {
                return kernel.responsibilities(b, n, r);
            }
            block = b;
            from = n;
            len = Math.min(ws.chunk, end - n);
            VectorEStep.responsibilities(kernel, b, ws, from, len);
        }
        int i = n - from;
        for (int c = 0; c < r.length; c++) {
            r[c] = ws.l[c * ws.chunk + i];
        }
        return r;
    }
}
