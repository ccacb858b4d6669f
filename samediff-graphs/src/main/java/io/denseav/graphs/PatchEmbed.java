package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * DINO's PatchEmbed, Conv2d(3, D, kernel p, stride p), written as im2col + one GEMM: the image is cut into
 * p×p patches by reshape/permute and multiplied by the flattened kernel. Same result as the conv, and it avoids
 * M2.1's conv2d backward, which fails for the OIYX (torch) weight layout.
 */
final class PatchEmbed {
    private PatchEmbed() {
    }

    /** {@code image [B,3,H,W]} → tokens {@code [B·h·w, D]}, row-major over the h×w patch grid. */
    static SDVariable apply(Params p, String prefix, SDVariable image, VitConfig c, int batch, int h, int w) {
        int k = c.patch();
        long d = c.embedDim();
        SDVariable patches = image.reshape(batch, 3, h, k, w, k).permute(0, 2, 4, 1, 3, 5)
                .reshape((long) batch * h * w, 3L * k * k);
        SDVariable weight = p.var(image.getSameDiff(), prefix + "proj.weight", d, 3, k, k).reshape(d, 3L * k * k);
        return Ops.linear(patches, weight, p.var(image.getSameDiff(), prefix + "proj.bias", d));
    }
}
