package io.denseav.modelimport;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns unpickled objects into plain JSON-like data: Map (String keys), List, String, Long, BigInteger, Double,
 * Boolean, null. Lightning's AttributeDict becomes its items, omegaconf containers their content, argparse
 * Namespaces their fields; tensors that are not weights become a description such as {@code "tensor F32[2, 3]"}.
 */
final class PlainData {
    /** Nesting limit: deeper (or self-referencing) structures are rejected as corrupt. */
    static final int MAX_DEPTH = 200;

    private PlainData() {
    }

    static Object convert(Object o) {
        return convert(o, 0);
    }

    private static Object convert(Object o, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalStateException("metadata nested deeper than " + MAX_DEPTH + " levels");
        if (o == null || o instanceof String || o instanceof Long || o instanceof BigInteger || o instanceof Double
                || o instanceof Boolean) {
            return o;
        }
        if (o instanceof byte[]) return new String((byte[]) o, StandardCharsets.ISO_8859_1);
        if (o instanceof TorchPickle.TensorRef) return ((TorchPickle.TensorRef) o).describe();
        if (o instanceof TorchPickle.StorageRef) return "storage " + ((TorchPickle.StorageRef) o).dtype;
        if (o instanceof UnpicklerPolicy.Global) return o.toString();
        if (o instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) out.put(String.valueOf(e.getKey()), convert(e.getValue(), depth + 1));
            return out;
        }
        if (o instanceof Collection) {
            List<Object> out = new ArrayList<>();
            for (Object x : (Collection<?>) o) out.add(convert(x, depth + 1));
            return out;
        }
        if (o instanceof UnpicklerPolicy.PyObject) return convertObject((UnpicklerPolicy.PyObject) o, depth);
        return describe(o);
    }

    /** An inert instance: omegaconf nodes/containers unwrap to their value, other classes to their fields. */
    private static Object convertObject(UnpicklerPolicy.PyObject p, int depth) {
        String q = p.cls.qualified();
        Map<?, ?> state = stateMap(p.state);
        if (q.startsWith("omegaconf.") && state != null) {
            if (state.containsKey("_content")) return convert(state.get("_content"), depth + 1);
            if (state.containsKey("_val")) return convert(state.get("_val"), depth + 1);
        }
        if (q.equals("numpy.dtype")) return p.args.isEmpty() ? q : String.valueOf(p.args.get(0));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : p.items.entrySet()) out.put(String.valueOf(e.getKey()), convert(e.getValue(), depth + 1));
        if (state != null) {
            for (Map.Entry<?, ?> e : state.entrySet()) out.put(String.valueOf(e.getKey()), convert(e.getValue(), depth + 1));
        }
        return out;
    }

    /** A pickled state is a dict, or a (dict, slots-dict) pair. */
    private static Map<?, ?> stateMap(Object state) {
        if (state instanceof Map) return (Map<?, ?>) state;
        if (state instanceof List && ((List<?>) state).size() == 2) {
            Map<Object, Object> merged = new LinkedHashMap<>();
            for (Object part : (List<?>) state) if (part instanceof Map) merged.putAll((Map<?, ?>) part);
            return merged;
        }
        return null;
    }

    /** A dict key: scalars as they are, anything else (tuples) as short text, so no mutable object is hashed. */
    static Object key(Object k) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double
                || k instanceof Boolean) {
            return k;
        }
        return describe(k);
    }

    /** A short, bounded, non-recursive description for error messages and odd keys. */
    static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof String) return clip((String) o);
        if (o instanceof List) {
            List<?> l = (List<?>) o;
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < Math.min(l.size(), 8); i++) {
                Object x = l.get(i);
                boolean scalar = x == null || x instanceof String || x instanceof Number || x instanceof Boolean;
                sb.append(i > 0 ? ", " : "").append(scalar ? String.valueOf(x) : x.getClass().getSimpleName());
            }
            return clip(sb.append(l.size() > 8 ? ", ...)" : ")").toString());
        }
        if (o instanceof TorchPickle.TensorRef) return ((TorchPickle.TensorRef) o).describe();
        if (o instanceof UnpicklerPolicy.PyObject) return "instance of " + ((UnpicklerPolicy.PyObject) o).cls;
        if (o instanceof Number || o instanceof Boolean || o instanceof UnpicklerPolicy.Global) return o.toString();
        return o.getClass().getSimpleName();
    }

    static String clip(String s) {
        String one = s.replaceAll("[\\p{Cntrl}]", "?");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    /** Text of an n-d shape as "[2, 3]". */
    static String shape(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
        return sb.append(']').toString();
    }
}
