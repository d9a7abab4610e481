package org.sparkvi.sampling;

import java.io.Serializable;

/**
 * Walker's alias method in Vose's numerically stable construction (Vose 1991): O(K) set-up, then one uniform
 * column and one biased coin per draw, O(1) whatever K.
 */
public final class AliasTable implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] probability;
    private final int[] alias;

    public AliasTable(double[] p) {
        int k = p.length;
        probability = new double[k];
        alias = new int[k];
        double[] scaled = new double[k];
        int[] small = new int[k];
        int[] large = new int[k];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < k; i++) {
            scaled[i] = p[i] * k;
            if (scaled[i] < 1) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            probability[s] = scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            if (scaled[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            probability[large[--nl]] = 1;
        }
        while (ns > 0) {
            probability[small[--ns]] = 1; // only round-off leaves a column here
        }
    }

    /** A draw from 64 random bits: the top bits pick the column, the low 53 the coin. */
    public int sample(long bits) {
        int k = probability.length;
        int column = (int) (((bits >>> 32) * k) >>> 32);
        double coin = (bits & ((1L << 53) - 1)) * 0x1.0p-53;
        return coin < probability[column] ? column : alias[column];
    }
}
