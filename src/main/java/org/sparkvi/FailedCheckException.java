package org.sparkvi;

/**
 * A run whose own result failed a check (a statistic that is NaN or infinite): printed as one line
 * {@code sparkvi: failed: ...}, exit 1, without a stack trace; nothing is written to the output folder.
 */
public class FailedCheckException extends RuntimeException {
    public FailedCheckException(String message) {
        super(message);
    }
}
