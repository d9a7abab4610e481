package org.sparkvi.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a command line as a user would, in the test JVM, and keeps its exit code and what it wrote to stderr. */
final class Cli {
    private Cli() {
    }

    record Outcome(int code, String err) {
    }

    static Outcome run(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        return new Outcome(code, err.toString());
    }
}
