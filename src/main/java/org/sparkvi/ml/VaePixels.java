package org.sparkvi.ml;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/** The pixel column of a VAE DataFrame: a Vector or a numeric array of 784 intensities in [0, 1], as bytes 0..255. */
final class VaePixels {
    static final int PIXELS = 784;

    private VaePixels() {
    }

    static void check(StructType schema, String column) {
        if (!List.of(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("column '" + column + "' not found; the columns are " + List.of(schema.fieldNames()));
        }
        DataType t = schema.apply(column).dataType();
        boolean ok = t.equals(SQLDataTypes.VectorType())
                || (t instanceof ArrayType a && a.elementType() instanceof NumericType);
        if (!ok) {
            throw new IllegalArgumentException("column '" + column + "' must be a Vector or an array of numbers (784 pixel "
                    + "intensities in [0, 1]), got " + t.simpleString());
        }
    }

    /** Writes row's pixels as bytes round(255 p) at {@code offset}; {@code what} names the row in a message. */
    static void bytes(Object value, byte[] out, int offset, String what) {
        double[] p;
        if (value instanceof Vector v) {
            p = v.toArray();
        } else if (value instanceof scala.collection.Seq<?> s) {
            p = new double[s.size()];
            for (int j = 0; j < p.length; j++) {
                Object e = s.apply(j);
                p[j] = e == null ? Double.NaN : ((Number) e).doubleValue();
            }
        } else if (value instanceof List<?> l) {
            p = new double[l.size()];
            for (int j = 0; j < p.length; j++) {
                Object e = l.get(j);
                p[j] = e == null ? Double.NaN : ((Number) e).doubleValue();
            }
        } else {
            throw new IllegalArgumentException(what + ": no pixels");
        }
        if (p.length != PIXELS) {
            throw new IllegalArgumentException(what + " has " + p.length + " pixels, not " + PIXELS);
        }
        for (int j = 0; j < PIXELS; j++) {
            if (!(p[j] >= 0 && p[j] <= 1)) {
                throw new IllegalArgumentException(what + ": pixel " + j + " is " + p[j] + ", not an intensity in [0, 1]");
            }
            out[offset + j] = (byte) Math.round(255 * p[j]);
        }
    }

    static org.apache.spark.sql.Column column(String name) {
        return col("`" + name.replace("`", "``") + "`");
    }
}
