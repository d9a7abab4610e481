package org.sparkvi.cavi;

/** How the mixing weights π are treated: fixed constants (the assignment's model) or Dirichlet(c, …, c) with q(π) = Dir(γ). */
public enum PiPrior {
    FIXED, DIRICHLET;

    /** fixed or dirichlet, in any case. */
    public static PiPrior parse(String s) {
        return switch (s == null ? "" : s.toLowerCase(java.util.Locale.ROOT)) {
            case "fixed" -> FIXED;
            case "dirichlet" -> DIRICHLET;
            default -> throw new IllegalArgumentException("pi-prior must be fixed or dirichlet, got '" + s + "'");
        };
    }
}
