package org.sparkvi.cavi;

import org.sparkvi.random.CounterRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.AbstractRandomGenerator;
import org.apache.commons.math3.special.Gamma;

/**
 * Events drawn from the model with known centres μ_k, rates λ_k and weights π: Z ~ Cat(π), X ~ N(μ_Z, τ⁻¹I),
 * S ~ Poisson(λ_Z). Event n's draws come from a generator seeded by (seed, n), so a catalogue is the same
 * whatever the block size it is cut into.
 */
public final class SyntheticCatalogue implements java.io.Serializable {
    private final double[] centers;
    private final double[] rates;
    private final double[] pi;
    private final double sigma;
    private final int d;

    public SyntheticCatalogue(double[] centers, double[] rates, double[] pi, double tau) {
        this.centers = centers.clone();
        this.rates = rates.clone();
        this.pi = pi.clone();
        this.sigma = 1 / Math.sqrt(tau);
        this.d = centers.length / rates.length;
    }

    /** Events [from, to) cut into blocks of at most blockSize. */
    public List<EventBlock> blocks(long seed, long from, long to, int blockSize) {
        List<EventBlock> out = new ArrayList<>();
        EventBlock.Builder b = new EventBlock.Builder(d, false, false);
        double[] x = new double[d];
        for (long n = from; n < to; n++) {
            int s = draw(seed, n, x, null);
            b.add(x, s, 1.0, -Gamma.logGamma(s + 1.0), n);
            if (b.size() == blockSize) {
                out.add(b.build());
                b = new EventBlock.Builder(d, false, false);
            }
        }
        if (b.size() > 0) {
            out.add(b.build());
        }
        return out;
    }

    /** Draws event n into x and returns its strength; its cluster goes to label[0] if label is not null. */
    public int draw(long seed, long n, double[] x, int[] label) {
        SplittableRandom rnd = new SplittableRandom(CounterRandom.bits(seed, 7, n));
        double u = rnd.nextDouble();
        int z = 0;
        double acc = pi[0];
        while (u >= acc && z < pi.length - 1) {
            acc += pi[++z];
        }
        for (int j = 0; j < d; j++) {
            x[j] = centers[z * d + j] + sigma * gaussian(rnd);
        }
        if (label != null) {
            label[0] = z;
        }
        return poisson(rates[z], rnd);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box–Muller on (0,1] uniforms
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Exact Poisson draws: inversion by sequential search for small means, commons-math beyond. */
    private static int poisson(double mean, SplittableRandom rnd) {
        if (mean < 30) {
            double p = Math.exp(-mean);
            double cdf = p;
            double u = rnd.nextDouble();
            int k = 0;
            while (u > cdf && k < 1000) {
                k++;
                p *= mean / k;
                cdf += p;
            }
            return k;
        }
        return new PoissonDistribution(new Adapter(rnd), mean, PoissonDistribution.DEFAULT_EPSILON,
                PoissonDistribution.DEFAULT_MAX_ITERATIONS).sample();
    }

    /** commons-math's samplers drawing from a SplittableRandom. */
    private static final class Adapter extends AbstractRandomGenerator {
        private final SplittableRandom rnd;

        Adapter(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        @Override
        public void setSeed(long seed) {
            throw new UnsupportedOperationException("seeded through SplittableRandom");
        }

        @Override
        public double nextDouble() {
            return rnd.nextDouble();
        }
    }
}
