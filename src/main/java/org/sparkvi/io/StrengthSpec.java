package org.sparkvi.io;

import java.io.Serializable;

/**
 * Where S_n comes from: a non-negative integer column the user names (nst, sig, felt, …), or {@code mag10} =
 * round(10·mag) clipped at 0. Magnitude is logarithmic in energy; ten times it keeps one decimal of the
 * catalogue's precision as an integer count, and every event has a magnitude while nst and felt are often empty.
 */
public record StrengthSpec(String column, boolean mag10) implements Serializable {
    public static final StrengthSpec MAG10 = new StrengthSpec("mag", true);

    public static StrengthSpec column(String name) {
        return new StrengthSpec(name, false);
    }

    public static StrengthSpec parse(String strength, String strengthColumn) {
        if (strengthColumn != null && !strengthColumn.isBlank()) {
            return column(strengthColumn.trim());
        }
        if (strength == null || strength.equalsIgnoreCase("mag10")) {
            return MAG10;
        }
        throw new IllegalArgumentException("--strength must be mag10 (or name a column with --strength-column), got '" + strength + "'");
    }

    public String label() {
        return mag10 ? "mag10" : column;
    }
}
