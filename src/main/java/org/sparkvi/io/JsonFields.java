package org.sparkvi.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.sparkvi.UserInputException;

/**
 * A JSON file read field by field, each wrong field a {@link UserInputException} naming the file and the field by
 * its path ({@code FILE: field 'hyperparameters.tau' must be a positive finite number, got -1.0}). A field that is
 * absent is missing (JSON null is a value, checked by the reader). Doubles may be the strings Jackson writes for
 * non-finite values ("NaN", "Infinity", "-Infinity"); any other string where a number belongs is wrong.
 */
public final class JsonFields {
    private final String file;
    private final JsonNode root;

    public JsonFields(String file, String text) {
        this.file = file;
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw error("not valid JSON (" + oneLine(e.getOriginalMessage()) + ")");
        }
        if (node == null || !node.isObject()) {
            throw error("not a JSON object");
        }
        this.root = node;
    }

    public UserInputException error(String message) {
        return new UserInputException(file + ": " + message);
    }

    /** {@code FILE: field 'PATH' MESSAGE}. */
    public UserInputException wrong(String path, String message) {
        return error("field '" + path + "' " + message);
    }

    /** The value at a dotted path ("coords.kind"); an absent field is missing. */
    public JsonNode node(String path) {
        JsonNode n = root;
        for (String name : path.split("\\.")) {
            if (!n.isObject() || !n.has(name)) {
                throw wrong(path, "is missing");
            }
            n = n.get(name);
        }
        return n;
    }

    public boolean has(String path) {
        JsonNode n = root;
        for (String name : path.split("\\.")) {
            if (!n.isObject() || !n.has(name)) {
                return false;
            }
            n = n.get(name);
        }
        return true;
    }

    public boolean isNull(String path) {
        return node(path).isNull();
    }

    /** An object whose fields are exactly among {@code names} ("" is the file's top level). */
    public void object(String path, List<String> names) {
        JsonNode n = path.isEmpty() ? root : node(path);
        if (!n.isObject()) {
            throw wrong(path, "must be an object, got " + n);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                String full = path.isEmpty() ? name : path + "." + name;
                throw wrong(full, "is not one this file may have (" + (path.isEmpty() ? "top level" : path) + ": "
                        + String.join(", ", names) + ")");
            }
        }
    }

    public int integer(String path) {
        JsonNode n = node(path);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw wrong(path, "must be an integer, got " + n);
        }
        return n.intValue();
    }

    public boolean bool(String path) {
        JsonNode n = node(path);
        if (!n.isBoolean()) {
            throw wrong(path, "must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    public String text(String path) {
        JsonNode n = node(path);
        if (!n.isTextual() || n.textValue().isBlank()) {
            throw wrong(path, "must be a non-empty string, got " + n);
        }
        return n.textValue();
    }

    /** A double, NaN and infinities included. */
    public double number(String path) {
        return number(path, node(path));
    }

    /** A positive finite double. */
    public double positive(String path) {
        return positive(path, number(path));
    }

    /** An array of doubles (NaN and infinities included). */
    public double[] numbers(String path) {
        JsonNode n = array(path);
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(path + "[" + i + "]", n.get(i));
        }
        return out;
    }

    public List<String> texts(String path) {
        JsonNode n = array(path);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual() || e.textValue().isBlank()) {
                throw wrong(path + "[" + i + "]", "must be a non-empty string, got " + e);
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** {@code FILE: field 'PATH[i]' must be a positive finite number, got V} unless v is one. */
    public double positive(String path, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw wrong(path, "must be a positive finite number, got " + v);
        }
        return v;
    }

    private JsonNode array(String path) {
        JsonNode n = node(path);
        if (!n.isArray()) {
            throw wrong(path, "must be an array, got " + n);
        }
        return n;
    }

    private double number(String path, JsonNode n) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual() && NON_FINITE.contains(n.textValue())) {
            return Double.parseDouble(n.textValue());
        }
        throw wrong(path, "must be a number, got " + n);
    }

    private static final Collection<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ").trim();
    }
}
