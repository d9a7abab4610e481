package org.sparkvi.ml;

import java.io.Serializable;
import java.util.function.Consumer;
import scala.runtime.AbstractFunction1;

/**
 * Param validators that run the same checks, with the same messages, as the command line: a check throws
 * IllegalArgumentException naming the param and the value, where Spark's own validators could only say "invalid".
 */
final class ParamChecks {
    private ParamChecks() {
    }

    /** A serialisable check. */
    interface Check<T> extends Consumer<T>, Serializable {
    }

    static <T> scala.Function1<T, Object> of(Check<T> check) {
        return new Validator<>(check);
    }

    private static final class Validator<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Check<T> check;

        Validator(Check<T> check) {
            this.check = check;
        }

        @Override
        public Object apply(T value) {
            check.accept(value);
            return Boolean.TRUE;
        }
    }
}
