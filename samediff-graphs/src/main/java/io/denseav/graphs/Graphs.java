package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;

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
}
