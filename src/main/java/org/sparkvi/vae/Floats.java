package org.sparkvi.vae;

/**
 * float32 values in double arrays and back. A FLOAT run's parameters and Adam moments travel between epochs (and in
 * checkpoints and models) as double[] whose entries are float32 values: widening is exact, so narrowing them again
 * gives the very floats back.
 */
public final class Floats {
    private Floats() {
    }

    /** The entries rounded to float32. */
    public static float[] narrow(double[] a) {
        float[] f = new float[a.length];
        narrow(a, f, a.length);
        return f;
    }

    /** The first n entries of a rounded to float32 into f. */
    public static void narrow(double[] a, float[] f, int n) {
        for (int i = 0; i < n; i++) {
            f[i] = (float) a[i];
        }
    }

    /** The first n entries of f into a, exactly. */
    public static void widen(float[] f, double[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = f[i];
        }
    }

    public static double[] widen(float[] f) {
        double[] a = new double[f.length];
        widen(f, a, f.length);
        return a;
    }

    /** Rounds every entry to its nearest float32 value, in place. */
    public static void round(double[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) a[i];
        }
    }
}
