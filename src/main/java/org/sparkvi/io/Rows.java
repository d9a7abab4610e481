package org.sparkvi.io;

/** Small helpers for building Spark rows. */
public final class Rows {
    private Rows() {
    }

    /** A double[] as the Double[] an array column of a Row holds. */
    public static Double[] boxed(double[] v) {
        Double[] out = new Double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
