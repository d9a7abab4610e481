package org.sparkvi.cli;

import org.sparkvi.UserInputException;

/** {@code --partitions}: a positive count, or 0 for Spark's default parallelism; a negative value is refused, not taken as 0. */
final class Partitions {
    private Partitions() {
    }

    static int check(int partitions) {
        if (partitions < 0) {
            throw new UserInputException("--partitions must be 0 (Spark's default parallelism) or a positive count, got "
                    + partitions);
        }
        return partitions;
    }
}
