package org.sparkvi.cavi;

/** CAVI's ELBO cannot decrease; when it drops by more than round-off, the update equations are wrong. */
public final class ElboDecreasedException extends IllegalStateException {
    public ElboDecreasedException(String message) {
        super(message);
    }
}
