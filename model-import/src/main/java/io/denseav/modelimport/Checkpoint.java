package io.denseav.modelimport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint file opened for reading: named tensors (dtype, shape, lazily loaded data) plus metadata.
 *
 * <pre>{@code
 * try (Checkpoint ckpt = Checkpoint.open(Path.of("denseav_2head.ckpt"))) {
 *     INDArray w = ckpt.tensor("audio_cls").load();
 *     Object heads = ckpt.metadata().get("hyper_parameters");
 * }
 * }</pre>
 *
 * Reads torch zip files (torch.save since 1.6: .pth/.pt/.bin/.ckpt), the legacy pre-1.6 torch format,
 * safetensors (with an HF {@code config.json} beside it as metadata), .npy and .npz. Pickles go through a
 * restricted {@link Unpickler} that never executes code and refuses every GLOBAL outside its allowlist.
 * Any malformed input raises {@link CheckpointException}.
 */
public final class Checkpoint implements Closeable {

    /** The on-disk formats. */
    public enum Format {
        TORCH_ZIP("torch zip (torch.save >= 1.6)"),
        TORCH_LEGACY("torch legacy (pre-1.6 pickle)"),
        SAFETENSORS("safetensors"),
        NPY("numpy .npy"),
        NPZ("numpy .npz");

        private final String description;

        Format(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Path path;
    private final Format format;
    private final Map<String, Tensor> tensors;
    private final Map<String, Object> metadata;
    private final List<Closeable> resources;

    Checkpoint(Path path, Format format, Map<String, Tensor> tensors, Map<String, Object> metadata,
               List<Closeable> resources) {
        this.path = path;
        this.format = format;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.resources = new ArrayList<>(resources);
    }

    /** Opens a checkpoint with the default unpickler allowlist. */
    public static Checkpoint open(Path path) {
        return open(path, UnpicklerPolicy.DEFAULT);
    }

    /** Opens a checkpoint; {@code policy} may allow extra plain-data pickle classes. */
    public static Checkpoint open(Path path, UnpicklerPolicy policy) {
        if (Files.isDirectory(path)) throw new CheckpointException(path, "is a directory, not a checkpoint file");
        if (!Files.exists(path)) throw new CheckpointException(path, "no such file");
        if (!Files.isReadable(path)) throw new CheckpointException(path, "file is not readable");
        byte[] head = new byte[16];
        long size;
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            size = Files.size(path);
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot read: " + e.getMessage(), e);
        }
        if (size == 0) throw new CheckpointException(path, "file is empty");
        try {
            switch (sniff(path, head, n)) {
                case TORCH_ZIP: return TorchZip.open(path, policy);
                case TORCH_LEGACY: return TorchLegacy.open(path, policy);
                case SAFETENSORS: return SafeTensors.open(path);
                case NPY: return Npy.open(path);
                default: throw new IllegalStateException();
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Anything a malformed file provokes in a JDK reader (ZipException, BufferUnderflow, ...) is reported as
            // a problem of the file, never as a crash.
            throw new CheckpointException(path, "corrupt or truncated file (" + describe(e) + ")", e);
        } catch (StackOverflowError e) {
            throw new CheckpointException(path, "corrupt file (structure nested too deeply)");
        }
    }

    /** Detects the format from the first bytes; zip archives are told apart (torch vs npz) by {@link TorchZip}. */
    static Format sniff(Path path, byte[] head, int n) {
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6)) {
            return Format.TORCH_ZIP;
        }
        if (n >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M' && head[4] == 'P'
                && head[5] == 'Y') {
            return Format.NPY;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return Format.TORCH_LEGACY;
        }
        if (n >= 9 && head[8] == '{') {
            long len = 0;
            for (int i = 7; i >= 0; i--) len = (len << 8) | (head[i] & 0xff);
            if (len >= 2) return Format.SAFETENSORS; // SafeTensors checks len against the file size
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(n, 8); i++) hex.append(String.format("%02x", head[i] & 0xff));
        throw new CheckpointException(path, "unrecognised format (wrong magic number 0x" + hex
                + "): expected a torch zip or legacy checkpoint, safetensors, .npy or .npz");
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.replace('\n', ' '));
    }

    public Path path() {
        return path;
    }

    public Format format() {
        return format;
    }

    /** All tensors by name, in file order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The named tensor; throws {@link CheckpointException} if absent. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new CheckpointException(path, "has no tensor '" + name + "'");
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * Plain-data metadata: Lightning's {@code pytorch-lightning_version}, {@code hyper_parameters}, epoch, ...;
     * safetensors' {@code __metadata__}; an HF {@code config.json} beside the file under key {@code "config.json"}.
     * Values are Map, List, String, Long/BigInteger, Double, Boolean or null; tensors outside the weights appear as
     * a description string such as {@code "tensor F32[2, 3]"}.
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The tensors under {@code prefix}, renamed with the prefix removed. */
    public Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                String name = e.getKey().substring(prefix.length());
                out.put(name, e.getValue().withName(name));
            }
        }
        return out;
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.numel();
        return n;
    }

    public long byteSize() {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.byteSize();
        return n;
    }

    @Override
    public void close() {
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a read-only file cannot lose data
            }
        }
    }
}
