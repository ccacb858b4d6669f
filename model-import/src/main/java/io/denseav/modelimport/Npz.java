package io.denseav.modelimport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * numpy .npz archives, as written by {@code np.savez} (stored) and {@code np.savez_compressed} (deflated):
 * a zip whose members {@code <name>.npy} are .npy files (see {@link Npy}).
 */
public final class Npz {

    private Npz() {
    }

    /**
     * Reads the archive's .npy members as lazy tensors, parsing only each member's header now. Called by the torch
     * zip reader for zips without {@code data.pkl}. Takes ownership of {@code zip}: it is closed on failure and by
     * the returned checkpoint's {@link Checkpoint#close()}.
     */
    static Checkpoint open(Path path, ZipFile zip) throws IOException {
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            boolean otherMembers = false;
            for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
                ZipEntry entry = it.nextElement();
                if (entry.isDirectory() || !entry.getName().endsWith(".npy")) {
                    otherMembers |= !entry.isDirectory();
                    continue;
                }
                String name = Npy.stripNpy(entry.getName());
                if (entry.getSize() < 0) throw new CheckpointException(path, "member '" + entry.getName() + "' has no size");
                if (tensors.containsKey(name)) {
                    throw new CheckpointException(path, "member '" + entry.getName() + "' appears twice");
                }
                tensors.put(name, Npy.parse(path, name, ByteSource.of(zip, entry)));
            }
            if (tensors.isEmpty() && otherMembers) {
                throw new CheckpointException(path, "is a zip archive but neither a torch checkpoint (no data.pkl)"
                        + " nor an .npz (no .npy members)");
            }
            return new Checkpoint(path, Checkpoint.Format.NPZ, tensors, Map.of(), List.of(zip));
        } catch (IOException | RuntimeException | Error e) {
            zip.close();
            throw e;
        }
    }

    /**
     * Writes arrays as an uncompressed .npz, as {@code np.savez(out, **arrays)} does (members {@code <name>.npy}),
     * atomically (see {@link AtomicFiles}). BF16 arrays have no numpy dtype: IllegalArgumentException.
     */
    public static void write(Path out, Map<String, INDArray> arrays) {
        AtomicFiles.write(out, os -> {
            ZipOutputStream zip = new ZipOutputStream(os);
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                putStored(zip, e.getKey() + ".npy", Npy.toBytes(e.getKey(), e.getValue()));
            }
            zip.finish(); // the central directory; the stream itself is closed by AtomicFiles
        });
    }

    /** Writes one uncompressed entry; STORED entries need their size and CRC before the data (APPNOTE 4.4.4). */
    static void putStored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }
}
