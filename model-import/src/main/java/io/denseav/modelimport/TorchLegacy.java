package io.denseav.modelimport;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy torch format (torch.save before 1.6, or {@code _use_new_zipfile_serialization=False}): five pickles
 * back to back (magic number, protocol version 1001, sys_info, the object, the sorted storage keys), then each
 * storage as an int64 element count followed by its raw bytes. Storage data is located, never read, at open.
 */
final class TorchLegacy {
    private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL_VERSION = 1001;

    private TorchLegacy() {
    }

    static Checkpoint open(Path path, UnpicklerPolicy policy) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = ch.size();
            ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE));
            Unpickler.PersistentLoader none = pid -> {
                throw new CheckpointException(path, "corrupt legacy checkpoint (persistent id in its header)");
            };
            Object magic = loadNext(path, map, policy, none);
            if (!(magic instanceof BigInteger) || !MAGIC.equals(magic)) {
                throw new CheckpointException(path, "wrong magic number: a pickle, but not a legacy torch checkpoint");
            }
            Object version = loadNext(path, map, policy, none);
            if (!Long.valueOf(PROTOCOL_VERSION).equals(version)) {
                throw new CheckpointException(path, "unsupported legacy protocol version " + PlainData.describe(version));
            }
            Object sysInfo = loadNext(path, map, policy, none);
            if (sysInfo instanceof Map && Boolean.FALSE.equals(((Map<?, ?>) sysInfo).get("little_endian"))) {
                throw new CheckpointException(path, "unsupported big-endian legacy checkpoint");
            }
            Map<String, TorchPickle.StorageRef> roots = new HashMap<>();
            List<TorchPickle.StorageRef> views = new ArrayList<>();
            Object root = loadNext(path, map, policy, pid -> storage(path, roots, views, pid));
            Object keys = loadNext(path, map, policy, none);
            locateData(path, ch, size, map.position(), keys, roots);
            for (TorchPickle.StorageRef v : views) v.source = roots.get(v.key).source;
            return TorchPickle.build(path, Checkpoint.Format.TORCH_LEGACY, root, List.of(ch));
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
    }

    /** Loads the pickle that starts at the buffer's position and moves the position past its STOP. */
    private static Object loadNext(Path path, ByteBuffer map, UnpicklerPolicy policy, Unpickler.PersistentLoader loader) {
        Unpickler u = new Unpickler(path, map, policy, loader);
        Object o = u.load();
        map.position(u.position());
        return o;
    }

    /** {@code ('storage', type, root_key, location, numel, view_metadata)}; views are (view_key, offset, size). */
    private static Object storage(Path path, Map<String, TorchPickle.StorageRef> roots,
                                  List<TorchPickle.StorageRef> views, Object pid) {
        if (!(pid instanceof List) || ((List<?>) pid).size() < 6 || !"storage".equals(((List<?>) pid).get(0))) {
            throw new CheckpointException(path, "unsupported persistent id " + PlainData.describe(pid)
                    + " (pickled modules are refused)");
        }
        List<?> t = (List<?>) pid;
        DType dtype = TorchPickle.storageType(path, t.get(1));
        if (!(t.get(2) instanceof String)) throw TorchPickle.bad(path, "storage key is not a string");
        String key = (String) t.get(2);
        TorchPickle.StorageRef root = roots.computeIfAbsent(key, k -> new TorchPickle.StorageRef(dtype, k, 0, null));
        Object view = t.get(5);
        if (view == null) return root;
        if (!(view instanceof List) || ((List<?>) view).size() < 3 || !(((List<?>) view).get(1) instanceof Long)
                || (Long) ((List<?>) view).get(1) < 0) {
            throw TorchPickle.bad(path, "bad storage view");
        }
        TorchPickle.StorageRef v = new TorchPickle.StorageRef(root.dtype, key, (Long) ((List<?>) view).get(1), null);
        views.add(v);
        return v;
    }

    /** After the key list: for each key, an int64 count and count·elementSize bytes. */
    private static void locateData(Path path, FileChannel ch, long size, long start, Object keys,
                                   Map<String, TorchPickle.StorageRef> roots) throws IOException {
        if (!(keys instanceof List)) throw TorchPickle.bad(path, "storage key list missing");
        long pos = start;
        ByteBuffer count = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (Object k : (List<?>) keys) {
            TorchPickle.StorageRef root = roots.get(String.valueOf(k));
            if (root == null) throw TorchPickle.bad(path, "unknown storage key " + PlainData.describe(k));
            if (pos + 8 > size) throw new CheckpointException(path, "truncated: storage '" + k + "' data is missing");
            count.clear();
            ch.read(count, pos);
            long n = count.getLong(0);
            long bytes = n < 0 || n > size ? -1 : n * root.dtype.size();
            if (bytes < 0 || pos + 8 + bytes > size) {
                throw new CheckpointException(path, "truncated: storage '" + k + "' data lies outside the file");
            }
            root.source = ByteSource.of(ch, pos + 8, bytes);
            pos += 8 + bytes;
        }
        for (TorchPickle.StorageRef r : roots.values()) {
            if (r.source == null) throw new CheckpointException(path, "truncated: storage '" + r.key + "' has no data");
        }
    }
}
