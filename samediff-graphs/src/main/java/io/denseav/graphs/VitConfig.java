package io.denseav.graphs;

import java.util.Map;

/**
 * DINO VisionTransformer hyper-parameters (facebookresearch/dino {@code vit_small}, {@code vit_base}).
 *
 * @param embedDim  token width (384 for S, 768 for B)
 * @param depth     number of blocks (12)
 * @param heads     attention heads (6 for S, 12 for B)
 * @param patch     patch size (8 or 16)
 * @param mlpHidden MLP hidden width (4·embedDim)
 * @param eps       LayerNorm eps: 1e-6 in stock DINO, 1e-4 inside DenseAV
 * @param loraScale LoRA α/r applied to a qkv LoRA pair when the weights have one (DenseAV: 32/8 = 4)
 */
public record VitConfig(int embedDim, int depth, int heads, int patch, int mlpHidden, double eps, double loraScale) {

    /** Stock DINO LayerNorm eps. */
    public static final double DINO_EPS = 1e-6;
    /** DenseAV's module-level eps for every LayerNorm of its ViT (denseav-reference.md §1.1). */
    public static final double DENSEAV_EPS = 1e-4;
    private static final Map<Integer, Integer> HEADS_BY_DIM = Map.of(192, 3, 384, 6, 768, 12, 1024, 16);

    public static VitConfig small(int patch) {
        return new VitConfig(384, 12, 6, patch, 1536, DINO_EPS, 4.0);
    }

    public static VitConfig base(int patch) {
        return new VitConfig(768, 12, 12, patch, 3072, DINO_EPS, 4.0);
    }

    /** By name: dino-vits8, dino-vits16, dino-vitb8, dino-vitb16. */
    public static VitConfig named(String name) {
        switch (name) {
            case "dino-vits8": return small(8);
            case "dino-vits16": return small(16);
            case "dino-vitb8": return base(8);
            case "dino-vitb16": return base(16);
            default: throw new IllegalArgumentException("unknown ViT '" + name + "' (dino-vits8, dino-vits16, dino-vitb8, dino-vitb16)");
        }
    }

    /** From weight shapes: width and patch from patch_embed, depth from the blocks; heads from DINO's table. */
    public static VitConfig fromWeights(long[] patchEmbedWeight, int depth, long[] fc1Weight) {
        int dim = (int) patchEmbedWeight[0];
        Integer heads = HEADS_BY_DIM.get(dim);
        if (heads == null) throw new IllegalArgumentException("no DINO configuration has width " + dim + "; give the heads");
        return new VitConfig(dim, depth, heads, (int) patchEmbedWeight[2], (int) fc1Weight[0], DINO_EPS, 4.0);
    }

    public VitConfig withEps(double e) {
        return new VitConfig(embedDim, depth, heads, patch, mlpHidden, e, loraScale);
    }

    public int headDim() {
        return embedDim / heads;
    }
}
