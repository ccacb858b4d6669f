package io.denseav.modelimport;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.denseav.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated fixture bytes may only ever produce a checkpoint or a {@link CheckpointException}: never another
 * exception, a hang, an OOM or a crash. Deterministic (seeded), so any failure reproduces.
 */
class FuzzTest {
    private static final List<String> SEEDS = List.of("dtypes.pt", "views.pt", "legacy.pt", "lightning.ckpt",
            "lightning_omegaconf.ckpt", "nested.pt", "protocol4.pt", "tensors.safetensors", "arrays.npy",
            "fortran.npy", "arrays.npz", "compressed.npz");
    private static final int CASES_PER_SEED = 400;
    /** Loading is exercised for tensors up to this size; larger ones are legitimate (expand views) but slow. */
    private static final long LOAD_LIMIT_BYTES = 16 << 20;

    @TempDir
    Path tmp;

    @Test
    void mutatedFilesFailCleanly() throws Exception {
        Random rnd = new Random(20240613);
        int opened = 0;
        int refused = 0;
        for (String seed : SEEDS) {
            Path src = Fixtures.path("checkpoints/" + seed);
            byte[] orig = Files.readAllBytes(src);
            for (int i = 0; i < CASES_PER_SEED; i++) {
                byte[] mutated = i % 3 == 2 && orig[0] == 'P' ? mutatePickleInZip(src, rnd) : mutate(orig, rnd);
                Path f = tmp.resolve(i + "_" + seed);
                Files.write(f, mutated);
                String label = seed + " case " + i;
                boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> openAndLoad(f, label), label + " hung");
                opened += ok ? 1 : 0;
                refused += ok ? 0 : 1;
                Files.delete(f);
            }
        }
        // the mutations must reach both outcomes, or the fuzzer is not exercising the readers
        assertTrue(opened > 100 && refused > 100, "opened " + opened + ", refused " + refused);
    }

    @Test
    void mutatedPicklesFailCleanly() throws Exception {
        Random rnd = new Random(7);
        try (var s = Files.list(Fixtures.path("pickles"))) {
            for (Path p : s.filter(x -> x.toString().endsWith(".pkl")).sorted().toList()) {
                byte[] orig = Files.readAllBytes(p);
                for (int i = 0; i < 500; i++) {
                    byte[] m = mutate(orig, rnd);
                    try {
                        new Unpickler(p, ByteBuffer.wrap(m), UnpicklerPolicy.DEFAULT, pid -> {
                            throw new CheckpointException(p, "no persistent ids");
                        }).load();
                    } catch (CheckpointException expected) {
                        // the only allowed failure
                    } catch (Throwable t) {
                        fail(p.getFileName() + " mutation " + i + " threw " + t, t);
                    }
                }
            }
        }
    }

    /** True if the file opened and every tensor loaded, false if it was refused with a CheckpointException. */
    private static boolean openAndLoad(Path f, String label) {
        try (Checkpoint c = Checkpoint.open(f)) {
            ModelFamily.detect(c);
            for (Tensor t : c.tensors().values()) {
                if (t.byteSize() <= LOAD_LIMIT_BYTES) t.bytes();
            }
            return true;
        } catch (CheckpointException expected) {
            return false; // the only allowed failure
        } catch (Throwable t) {
            return fail(label + " threw " + t, t);
        }
    }

    /** Byte-level mutations: flips, special values, truncation, insertion, deletion, chunk copies. */
    static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in.clone();
        switch (rnd.nextInt(6)) {
            case 0:
                for (int k = 1 + rnd.nextInt(8); k > 0; k--) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                return b;
            case 1: {
                byte[] special = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1, '.', '(', 'q', 'h', 'R', 'b'};
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) b[rnd.nextInt(b.length)] = special[rnd.nextInt(special.length)];
                return b;
            }
            case 2:
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 3: {
                int at = rnd.nextInt(b.length);
                byte[] ins = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(ins);
                return concat(java.util.Arrays.copyOf(b, at), ins, java.util.Arrays.copyOfRange(b, at, b.length));
            }
            case 4: {
                int at = rnd.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                return concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, at + len, b.length));
            }
            default: {
                int from = rnd.nextInt(b.length);
                int to = rnd.nextInt(b.length);
                int len = Math.min(Math.min(b.length - from, b.length - to), 1 + rnd.nextInt(32));
                System.arraycopy(in, from, b, to, len);
                return b;
            }
        }
    }

    /** Structure-aware: mutate data.pkl inside a torch zip and re-zip it with valid CRCs, to reach the VM. */
    static byte[] mutatePickleInZip(Path zipFile, Random rnd) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile zin = new ZipFile(zipFile.toFile()); ZipOutputStream zout = new ZipOutputStream(out)) {
            for (ZipEntry e : java.util.Collections.list(zin.entries())) {
                byte[] data = zin.getInputStream(e).readAllBytes();
                if (e.getName().endsWith("data.pkl")) data = mutate(data, rnd);
                Npz.putStored(zout, e.getName(), data);
            }
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}
