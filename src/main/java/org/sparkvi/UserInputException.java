package org.sparkvi;

/** A problem with what the user gave (a file, a column, an option): reported as one message, without a stack trace. */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
