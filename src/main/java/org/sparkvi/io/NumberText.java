package org.sparkvi.io;

/**
 * What a number written as text may look like in a catalogue, for every reader and the converter alike: a decimal
 * number, or inf / infinity / nan (read, then refused as not finite). Forms Java's parser also takes, such as
 * {@code 12f}, {@code 35.5d} or {@code 0x1p3}, mean nothing in a catalogue and are not numbers here.
 */
public final class NumberText {
    public static final String DECIMAL = "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$";
    public static final String SPECIAL = "(?i)^[+-]?(inf|infinity|nan)$";

    private NumberText() {
    }
}
