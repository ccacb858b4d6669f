package io.denseav.modelimport;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the two torch formats share: storages named by persistent ids, tensors rebuilt as (storage, offset, size,
 * stride) views, and the split of the unpickled object into weights and metadata.
 */
final class TorchPickle {
    private TorchPickle() {
    }

    /** A storage: its element type, and where its bytes are (set once the container is read). */
    static final class StorageRef {
        final DType dtype;
        final String key;
        final long elementOffset; // legacy storage views start inside their root storage
        ByteSource source;

        StorageRef(DType dtype, String key, long elementOffset, ByteSource source) {
            this.dtype = dtype;
            this.key = key;
            this.elementOffset = elementOffset;
            this.source = source;
        }
    }

    /** {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...)}. */
    static final class TensorRef {
        final StorageRef storage;
        final long offset;
        final long[] shape;
        final long[] stride;

        private TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
            this.storage = storage;
            this.offset = offset;
            this.shape = shape;
            this.stride = stride;
        }

        static TensorRef of(Path file, Object storage, Object offset, Object size, Object stride) {
            if (!(storage instanceof StorageRef)) throw bad(file, "tensor without a storage");
            long[] shape = longs(file, size, "size");
            long[] strides = longs(file, stride, "stride");
            if (shape.length != strides.length) throw bad(file, "tensor size and stride differ in rank");
            if (!(offset instanceof Long) || (Long) offset < 0) throw bad(file, "bad tensor storage offset");
            return new TensorRef((StorageRef) storage, (Long) offset, shape, strides);
        }

        Tensor toTensor(Path file, String name) {
            if (storage.source == null) throw new CheckpointException(file, "storage '" + storage.key + "' has no data");
            return Tensor.strided(file, name, storage.dtype, shape, stride, storage.elementOffset + offset, storage.source);
        }

        String describe() {
            return "tensor " + storage.dtype + PlainData.shape(shape);
        }

        private static long[] longs(Path file, Object o, String what) {
            if (!(o instanceof List) || ((List<?>) o).size() > 64) throw bad(file, "tensor " + what + " is not a tuple");
            List<?> l = (List<?>) o;
            long[] out = new long[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Long)) throw bad(file, "tensor " + what + " holds a non-integer");
                out[i] = (Long) l.get(i);
            }
            return out;
        }
    }

    /** The dtype of a storage class GLOBAL such as {@code torch.FloatStorage}. */
    static DType storageType(Path file, Object type) {
        if (type instanceof UnpicklerPolicy.Global) {
            UnpicklerPolicy.Global g = (UnpicklerPolicy.Global) type;
            if (g.name().equals("UntypedStorage")) return DType.U8;
            DType d = g.module().equals("torch") ? DType.fromTorchStorage(g.name()) : null;
            if (d != null) return d;
            throw new CheckpointException(file, "unsupported storage dtype '" + g + "'");
        }
        throw bad(file, "storage type is not a class");
    }

    /**
     * Splits the unpickled object: a Lightning-style dict's {@code state_dict} holds the weights and the rest is
     * metadata; otherwise every tensor is a weight, named by its dotted path, and the remaining plain data is
     * metadata.
     */
    static Checkpoint build(Path file, Checkpoint.Format format, Object root, List<Closeable> resources) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<?, ?> top = asMap(root);
        if (top != null) {
            Map<?, ?> sd = asMap(top.get("state_dict"));
            if (sd != null) {
                flatten(file, sd, "", tensors, 0);
                for (Map.Entry<?, ?> e : top.entrySet()) {
                    if (!"state_dict".equals(e.getKey())) metadata.put(String.valueOf(e.getKey()), PlainData.convert(e.getValue()));
                }
            } else {
                flatten(file, top, "", tensors, 0);
                if (!onlyTensors(top, 0)) {
                    for (Map.Entry<?, ?> e : top.entrySet()) metadata.put(String.valueOf(e.getKey()), PlainData.convert(e.getValue()));
                }
            }
        } else if (root instanceof TensorRef) {
            tensors.put("tensor", ((TensorRef) root).toTensor(file, "tensor"));
        } else {
            flatten(file, root, "", tensors, 0);
        }
        return new Checkpoint(file, format, tensors, metadata, resources);
    }

    private static void flatten(Path file, Object o, String prefix, Map<String, Tensor> out, int depth) {
        if (depth > PlainData.MAX_DEPTH) throw bad(file, "structure nested too deeply");
        if (o instanceof TensorRef) {
            out.putIfAbsent(prefix, ((TensorRef) o).toTensor(file, prefix));
            return;
        }
        Map<?, ?> m = asMap(o);
        if (m != null) {
            for (Map.Entry<?, ?> e : m.entrySet()) flatten(file, e.getValue(), join(prefix, e.getKey()), out, depth + 1);
        } else if (o instanceof List) {
            List<?> l = (List<?>) o;
            for (int i = 0; i < l.size(); i++) flatten(file, l.get(i), join(prefix, i), out, depth + 1);
        }
    }

    private static boolean onlyTensors(Object o, int depth) {
        if (o instanceof TensorRef) return true;
        Map<?, ?> m = asMap(o);
        if (m == null || depth > PlainData.MAX_DEPTH) return false;
        for (Object v : m.values()) if (!onlyTensors(v, depth + 1)) return false;
        return true;
    }

    private static String join(String prefix, Object key) {
        return prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
    }

    /** Dicts, OrderedDicts and dict subclasses (AttributeDict) alike. */
    private static Map<?, ?> asMap(Object o) {
        if (o instanceof Map) return (Map<?, ?>) o;
        if (o instanceof UnpicklerPolicy.PyObject && !((UnpicklerPolicy.PyObject) o).items.isEmpty()) {
            return ((UnpicklerPolicy.PyObject) o).items;
        }
        return null;
    }

    static CheckpointException bad(Path file, String what) {
        return new CheckpointException(file, "corrupt pickle (" + what + ")");
    }
}
