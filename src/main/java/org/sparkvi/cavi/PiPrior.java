package org.sparkvi.cavi;

/** How the mixing weights π are treated: fixed constants (the assignment's model) or Dirichlet(c, …, c) with q(π) = Dir(γ). */
public enum PiPrior {
    FIXED, DIRICHLET
}
