package io.denseav.modelimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Deep comparison of JSON trees where numbers compare by value (1 == 1L == 1.0 for integers). */
final class JsonTrees {
    private JsonTrees() {
    }

    static void assertSameJson(JsonNode expected, JsonNode actual, String where) {
        if (expected.isNumber() && actual.isNumber()) {
            if (expected.isIntegralNumber() && actual.isIntegralNumber()) {
                assertEquals(expected.bigIntegerValue(), actual.bigIntegerValue(), where);
            } else {
                assertEquals(expected.doubleValue(), actual.doubleValue(), 0.0, where);
            }
            return;
        }
        if (expected.isObject()) {
            assertTrue(actual.isObject(), where + ": expected an object, got " + actual);
            List<String> ek = names(expected);
            List<String> ak = names(actual);
            assertEquals(ek, ak, where + ": keys");
            for (String k : ek) assertSameJson(expected.get(k), actual.get(k), where + "." + k);
            return;
        }
        if (expected.isArray()) {
            assertTrue(actual.isArray(), where + ": expected an array, got " + actual);
            assertEquals(expected.size(), actual.size(), where + ": length");
            for (int i = 0; i < expected.size(); i++) assertSameJson(expected.get(i), actual.get(i), where + "[" + i + "]");
            return;
        }
        if (!expected.equals(actual)) fail(where + ": expected " + expected + " but was " + actual);
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
