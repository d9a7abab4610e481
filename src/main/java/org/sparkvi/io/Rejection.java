package org.sparkvi.io;

import java.io.Serializable;

/**
 * A quarantined record: where it is (file and 1-based row), which column, the value as written, and why.
 * {@code reason} is a stable snake_case key, counted per reason in the job's summary.
 */
public record Rejection(String file, long row, String column, String value, String reason) implements Serializable {
    public String message() {
        return "file " + file + ", row " + row + ", column " + column + ": value "
                + (value == null ? "null" : "'" + value + "'") + " rejected (" + reason.replace('_', ' ') + ")";
    }
}
