package io.denseav.graphs;

import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/** A session memory manager that serves every request by (data type, shape); empty arrays are never pooled. */
abstract class ActivationMemory extends AbstractMemoryMgr {
    @Override
    public final INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) return Nd4j.create(descriptor).detach();
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    /** Elements of an array of {@code shape}: 1 for a scalar's empty shape (ND4J's ArrayUtil.prodLong says 0). */
    static long length(long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }
}
