package io.denseav.graphs;

import io.denseav.modelimport.CheckpointException;
import io.denseav.modelimport.KeyMap;
import io.denseav.modelimport.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The weights a graph builder asks for, by canonical name and expected shape. Graph variables are named after
 * the checkpoint keys. Missing, mis-shaped and unexpected keys are collected while the graph is built and reported
 * together by {@link #verify()}, so one error lists every problem.
 */
public final class Params {
    private final Path file;
    private final String layout;
    private final Map<String, Tensor> tensors;
    private final Random random;
    private final ScratchInit init;
    private final DataType dtype;
    private final Set<String> used = new LinkedHashSet<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> misShaped = new ArrayList<>();
    private final Map<String, INDArray> cache = new LinkedHashMap<>();
    private final Map<String, Tensor> extras = new LinkedHashMap<>();

    private Params(Path file, String layout, Map<String, Tensor> tensors, Random random, ScratchInit init, DataType dtype) {
        this.file = file;
        this.layout = layout;
        this.tensors = tensors;
        this.random = random;
        this.init = init;
        this.dtype = dtype;
    }

    /** Weights mapped from a checkpoint. */
    public static Params from(KeyMap.Mapped mapped) {
        Params p = new Params(mapped.source().path(), mapped.map().name(), mapped.tensors(), null, null, DataType.FLOAT);
        // keys the inference graphs never use (e.g. HuBERT's masked_spec_embed) stay readable for train mode
        for (String full : mapped.ignored()) {
            Tensor t = mapped.source().tensors().get(full);
            if (t != null && full.startsWith(mapped.prefix())) p.extras.put(full.substring(mapped.prefix().length()), t);
        }
        return p;
    }

    /** Random weights (for benchmarks and shape tests): {@link ScratchInit#SMALL_NORMAL}. */
    public static Params random(long seed) {
        return random(seed, DataType.FLOAT);
    }

    /** Random weights of {@code dtype} (DOUBLE for gradient checks). */
    public static Params random(long seed, DataType dtype) {
        return random(seed, ScratchInit.SMALL_NORMAL, dtype);
    }

    /** Fresh weights drawn by {@code init} ({@link ScratchInit#TORCH_DEFAULT} to train from scratch). */
    public static Params random(long seed, ScratchInit init, DataType dtype) {
        return new Params(null, "random", Map.of(), new Random(seed), init, dtype);
    }

    /** The floating-point type of the weights and of the graphs built on them (FLOAT, or DOUBLE in checks). */
    public DataType dtype() {
        return dtype;
    }

    /** A required weight as a float32 array of exactly {@code shape}. */
    public INDArray get(String name, long... shape) {
        INDArray cached = cache.get(name);
        if (cached != null) return cached;
        INDArray a;
        if (random != null) {
            a = init.draw(name, shape, random, dtype, cache);
        } else {
            Tensor t = tensors.containsKey(name) ? tensors.get(name) : extras.get(name);
            if (t == null) {
                missing.add(name + " " + Arrays.toString(shape));
                a = Nd4j.zeros(dtype, shape);
            } else if (!Arrays.equals(t.shape(), shape)) {
                misShaped.add(name + " is " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
                used.add(name);
                a = Nd4j.zeros(dtype, shape);
            } else {
                used.add(name);
                a = load(t);
            }
        }
        cache.put(name, a);
        return a;
    }

    /** The stored shape of {@code name}, or {@code fallback} when absent (and for random weights). */
    public long[] shapeOf(String name, long... fallback) {
        Tensor t = random == null ? tensors.get(name) : null;
        return t == null ? fallback : t.shape();
    }

    /** Canonical names present, for configuration detection (e.g. counting blocks). */
    public java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(tensors.keySet());
    }

    /** True if the checkpoint holds {@code name} (random weights hold nothing optional). */
    public boolean has(String name) {
        return random == null && tensors.containsKey(name);
    }

    /** A graph variable holding the weight, named after its key. */
    public SDVariable var(SameDiff sd, String name, long... shape) {
        SDVariable v = sd.getVariable(name);
        return v != null ? v : sd.var(name, get(name, shape));
    }

    /**
     * A copy for another device or worker: every weight handed out so far, duplicated on the calling thread's device
     * (ND4J allocates on the thread's device). Weights not yet handed out are read again from the same checkpoint;
     * random weights must all have been handed out, or the replica would draw different ones.
     */
    public Params replica() {
        Params p = new Params(file, layout, tensors, random == null ? null : new Random(0), init, dtype);
        p.extras.putAll(extras);
        cache.forEach((k, v) -> p.cache.put(k, v.dup()));
        p.used.addAll(used);
        return p;
    }

    /**
     * A weight only train mode uses (HuBERT's {@code masked_spec_embed}): the stored one when the file has it (also
     * among the keys the inference mapping skips), else {@code init}'s array, never reported missing.
     */
    public SDVariable trainOnlyVar(SameDiff sd, String name, java.util.function.Supplier<INDArray> init) {
        SDVariable v = sd.getVariable(name);
        if (v != null) return v;
        if (!cache.containsKey(name) && (random != null || (!tensors.containsKey(name) && !extras.containsKey(name)))) {
            cache.put(name, init.get().castTo(dtype));
        }
        return sd.var(name, get(name, cache.containsKey(name) ? cache.get(name).shape() : extrasShape(name)));
    }

    private long[] extrasShape(String name) {
        Tensor t = tensors.containsKey(name) ? tensors.get(name) : extras.get(name);
        return t.shape();
    }

    /** The weights handed out so far, by canonical name (what the graphs built from these params hold). */
    public Map<String, INDArray> loaded() {
        return java.util.Collections.unmodifiableMap(cache);
    }

    /** Throws one {@link CheckpointException} listing every missing, mis-shaped and unexpected key. */
    public void verify() {
        if (random != null) return;
        Set<String> unexpected = new TreeSet<>(tensors.keySet());
        unexpected.removeAll(used);
        unexpected.removeIf(k -> missing.stream().anyMatch(m -> m.startsWith(k + " ")));
        if (missing.isEmpty() && misShaped.isEmpty() && unexpected.isEmpty()) return;
        StringBuilder sb = new StringBuilder("does not match the " + layout + " graph:");
        append(sb, "missing", missing);
        append(sb, "mis-shaped", misShaped);
        append(sb, "unexpected", new ArrayList<>(unexpected));
        throw new CheckpointException(file, sb.toString());
    }

    private static void append(StringBuilder sb, String what, List<String> keys) {
        if (keys.isEmpty()) return;
        sb.append(' ').append(keys.size()).append(' ').append(what).append(" (");
        sb.append(String.join(", ", keys.subList(0, Math.min(keys.size(), 8))));
        sb.append(keys.size() > 8 ? ", ...)" : ")").append(';');
    }

    /** F32 tensors are read straight into native memory (no heap copy: peak RSS stays near the weights' size). */
    private static INDArray load(Tensor t) {
        if (t.dtype() != io.denseav.modelimport.DType.F32 || t.numel() == 0) {
            INDArray a = t.load();
            return a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        }
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, t.shape(), 'c');
        java.nio.ByteBuffer dst = a.data().asNio().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        dst.limit(dst.position() + (int) t.byteSize());
        t.readInto(dst.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN));
        return a;
    }
}
