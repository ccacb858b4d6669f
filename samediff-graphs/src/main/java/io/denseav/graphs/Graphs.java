package io.denseav.graphs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Creating and running SameDiff instances the way our graphs need them. */
public final class Graphs {
    private Graphs() {
    }

    /**
     * A SameDiff whose variable and constant arrays are held as given. M2.1's default ThreadSafeArrayHolder wraps
     * each array in a DeviceLocalNDArray, which duplicates it: that doubled the resident memory of HuBERT-Large's
     * 1.26 GB of weights. Each graph is used from one thread (data parallelism builds one graph per worker). Its
     * inference runs under {@link HelperPolicy} on ND4J's oneDNN build.
     */
    public static SameDiff create() {
        SameDiff sd = SameDiff.create();
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        if (HelperPolicy.oneDnnBuild()) sd.addListeners(HelperPolicy.INSTANCE);
        return sd;
    }

    /**
     * Caps the activation cache of every SameDiff inference session created from now on in this JVM. M2.1's
     * ArrayCacheMemoryMgr keeps released activations up to 25% of JavaCPP's max bytes (1.5 GB with a 6 GB heap).
     * Measured here: a 128 MB cap lowered HuBERT-Large's peak RSS (3.4 → 2.5 GB) but made ViT-S/8 batch 8 2.3×
     * slower with a higher peak, since evicted arrays wait for the GC; so it is off by default
     * ({@code -Ddenseav.activationCacheMb=N} in the CLI). A process-wide setting.
     */
    public static void boundActivationCache(long bytes) {
        double fraction = Math.min(0.25, Math.max(1e-4, bytes / (double) Math.max(Pointer.maxBytes(), 1)));
        bindSessionMemory(() -> new ArrayCacheMemoryMgr(fraction, 1024, 2.0));
    }

    /**
     * Every SameDiff inference session created from now on in this JVM keeps its released activations in a
     * {@link BufferPool} of at most a quarter of JavaCPP's max bytes (M2.1's own cache limit), reused for any shape
     * of the same length. Measured with {@code bench inference} (bin/denseav's serial GC): peak RSS 2.54 → 1.90–1.97 GB
     * at the same speed. A process-wide setting; the CLI uses {@link #planActivations} instead.
     */
    public static void poolActivations() {
        poolActivations(Math.max(Pointer.maxBytes() / 4, 256L << 20));
    }

    /** {@link #poolActivations()} with an explicit limit in bytes. */
    public static void poolActivations(long maxBytes) {
        bindSessionMemory(() -> new BufferPool(maxBytes));
    }

    /**
     * Every SameDiff inference session created from now on in this JVM lays its activations out ahead of time
     * ({@link ActivationPlan}): the first run of a session is recorded with a {@link BufferPool} of at most
     * {@code recordBytes}, and later runs with inputs of the same shape place each activation in a slab sized to the
     * most activations alive at once. Measured with {@code bench inference} (bin/denseav's settings, 128 MB): peak RSS
     * 1.96–1.97 GB with {@link #poolActivations()} against 1.73–1.74 GB, at the same speed; a graph's first run is
     * 0.5–0.7 s slower for HuBERT-Large (the capped pool frees and allocates again). The freed memory goes back to
     * the system only where glibc maps large blocks on their own ({@code MALLOC_MMAP_THRESHOLD_=2097152}, as
     * bin/denseav sets it); with glibc's default the peak was 2.00 GB. A process-wide setting; the CLI makes it for
     * every command but training.
     */
    public static void planActivations(long recordBytes) {
        bindSessionMemory(() -> new ActivationPlan(recordBytes));
    }

    /**
     * Every SameDiff inference session created from now on in this JVM is a {@link GraphSession} with M2.1's own
     * activation cache: our op kernels ({@link FastErf}) without a memory setting. The memory settings above imply
     * it. A process-wide setting.
     */
    public static void fastKernels() {
        bindSessionMemory(ArrayCacheMemoryMgr::new);
    }

    /** Every inference session created from now on in this JVM is a {@link GraphSession} with memory from {@code memory}. */
    private static void bindSessionMemory(Supplier<SessionMemMgr> memory) {
        SameDiff.bindInferenceFactory(sd -> new GraphSession(sd, memory.get()));
    }

    /**
     * Forward and backward of {@code sd}: the values of {@code outputs} and the gradients of {@code wrt}, as M2.1's
     * {@code SameDiff.calculateGradientsAndOutputs}, but with the session's array cache on. M2.1 switches the gradient
     * function's cache off on every call ({@code setEnableCache(false)}), so its session never releases an array for
     * reuse: every training step allocated all its activations and gradients afresh (2.2 GB for tuxpaint-tiny at batch
     * 16), paid the page faults (about half of the step's CPU time was system time) and left the arrays to the GC
     * (RSS up to JavaCPP's limit). The values returned are the caller's; {@code GradientCacheTest} checks they equal
     * M2.1's and survive the next call.
     */
    public static OutAndGrad gradients(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputs,
                                       Collection<String> wrt) {
        if (sd.getFunction("grad") == null) createGradFunction(sd);
        List<String> names = new ArrayList<>(outputs);
        Map<String, String> gradientOf = new LinkedHashMap<>();
        for (String v : wrt) {
            SDVariable g = sd.getVariable(v).getGradient();
            if (g == null) continue; // does not reach the outputs (e.g. the image aligner's unused cls_layer): none, as M2.1
            gradientOf.put(v, g.name());
            names.add(g.name());
        }
        SameDiff fn = sd.getFunction("grad");
        fn.setEnableCache(true);
        Map<String, INDArray> all = fn.output(placeholders, names.toArray(new String[0]));
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (String o : outputs) values.put(o, all.get(o));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        gradientOf.forEach((v, g) -> grads.put(v, all.get(g)));
        return new OutAndGrad(values, grads);
    }

    /**
     * {@code sd.createGradFunction()} without its debug output: M2.1 prints "Added differentiated op NAME" to
     * {@code System.out} for every op (752 lines before the first step of {@code denseav train --preset tuxpaint-tiny}).
     * {@code System.out} is swapped for the call, so other threads' prints to it in that window are dropped too; the
     * CLI writes through its own streams.
     */
    public static synchronized void createGradFunction(SameDiff sd) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(out);
        }
    }
}
