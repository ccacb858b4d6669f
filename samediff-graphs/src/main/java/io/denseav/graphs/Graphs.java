package io.denseav.graphs;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;

/** Creating SameDiff instances the way our graphs need them. */
public final class Graphs {
    private Graphs() {
    }

    /**
     * A SameDiff whose variable and constant arrays are held as given. M2.1's default ThreadSafeArrayHolder wraps
     * each array in a DeviceLocalNDArray, which duplicates it: that doubled the resident memory of HuBERT-Large's
     * 1.26 GB of weights. Each graph is used from one thread (data parallelism builds one graph per worker).
     */
    public static SameDiff create() {
        SameDiff sd = SameDiff.create();
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
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
        SameDiff.bindInferenceFactory(sd -> {
            InferenceSession s = new InferenceSession(sd);
            s.setMmgr(new ArrayCacheMemoryMgr(fraction, 1024, 2.0));
            return s;
        });
    }
}
