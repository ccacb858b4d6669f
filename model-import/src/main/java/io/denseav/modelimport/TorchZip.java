package io.denseav.modelimport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The torch zip format (torch.save since 1.6): {@code <archive>/data.pkl} holds the pickled object, whose
 * persistent ids {@code ('storage', torch.FloatStorage, key, location, numel)} name the raw little-endian
 * storages {@code <archive>/data/<key>}. Only the central directory and data.pkl are read at open.
 */
final class TorchZip {
    /** data.pkl larger than this is not a checkpoint we can trust (real ones are kilobytes). */
    private static final long MAX_PICKLE_BYTES = 1L << 30;

    private TorchZip() {
    }

    static Checkpoint open(Path path, UnpicklerPolicy policy) throws IOException {
        ZipFile zip = new ZipFile(path.toFile());
        try {
            ZipEntry pkl = null;
            boolean npy = false;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String n = e.getName();
                if (n.equals("data.pkl") || (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)) {
                    if (pkl == null || n.length() < pkl.getName().length()) pkl = e;
                }
                npy |= n.endsWith(".npy");
            }
            if (pkl == null) {
                if (npy) return Npz.open(path, zip);
                throw new CheckpointException(path, "zip archive has no data.pkl: not a torch checkpoint or .npz");
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            checkByteOrder(path, zip, prefix);
            byte[] pickle = readAll(path, zip, pkl);
            Map<String, TorchPickle.StorageRef> storages = new HashMap<>();
            Unpickler.PersistentLoader loader = pid -> storage(path, zip, prefix, storages, pid);
            Object root = new Unpickler(path, ByteBuffer.wrap(pickle), policy, loader).load();
            return TorchPickle.build(path, Checkpoint.Format.TORCH_ZIP, root, List.of(zip));
        } catch (IOException | RuntimeException | Error e) {
            zip.close();
            throw e;
        }
    }

    /** persistent_load: {@code ('storage', storage_type, key, location, numel)}; shared keys share a storage. */
    private static Object storage(Path path, ZipFile zip, String prefix, Map<String, TorchPickle.StorageRef> storages,
                                  Object pid) {
        if (!(pid instanceof List) || ((List<?>) pid).size() < 5 || !"storage".equals(((List<?>) pid).get(0))) {
            throw new CheckpointException(path, "unsupported persistent id " + PlainData.describe(pid));
        }
        List<?> t = (List<?>) pid;
        DType dtype = TorchPickle.storageType(path, t.get(1));
        if (!(t.get(2) instanceof String)) throw TorchPickle.bad(path, "storage key is not a string");
        String key = (String) t.get(2);
        TorchPickle.StorageRef ref = storages.get(key);
        if (ref != null) return ref;
        ZipEntry entry = zip.getEntry(prefix + "data/" + key);
        if (entry == null || entry.getSize() < 0) {
            throw new CheckpointException(path, "storage '" + PlainData.clip(key) + "' is missing from the archive");
        }
        ref = new TorchPickle.StorageRef(dtype, key, 0, ByteSource.of(zip, entry));
        storages.put(key, ref);
        return ref;
    }

    private static void checkByteOrder(Path path, ZipFile zip, String prefix) throws IOException {
        ZipEntry bo = zip.getEntry(prefix + "byteorder");
        if (bo != null && bo.getSize() >= 0 && bo.getSize() < 16) {
            String order = new String(readAll(path, zip, bo), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) throw new CheckpointException(path, "unsupported byte order '" + PlainData.clip(order) + "'");
        }
    }

    private static byte[] readAll(Path path, ZipFile zip, ZipEntry e) throws IOException {
        if (e.getSize() > MAX_PICKLE_BYTES) throw new CheckpointException(path, e.getName() + " is implausibly large");
        try (InputStream in = zip.getInputStream(e)) {
            long size = e.getSize();
            byte[] b = in.readNBytes(size >= 0 ? (int) size + 1 : (int) MAX_PICKLE_BYTES);
            if (e.getSize() >= 0 && b.length != e.getSize()) {
                throw new CheckpointException(path, e.getName() + " is truncated");
            }
            return b;
        }
    }
}
