package org.sparkvi.cavi;

import java.util.List;

/**
 * One restart's result, after its final E-step: q of the global factors, the statistics of the final
 * responsibilities (computed from that q), and the ELBO at that point.
 *
 * @param elboTrace ELBO after each E-step, the last one the final E-step
 * @param iterations global updates performed
 */
public record CaviFit(int restart, VariationalParameters parameters, SufficientStatistics finalStatistics, double elbo,
                      List<Double> elboTrace, int iterations, boolean converged) {
}
