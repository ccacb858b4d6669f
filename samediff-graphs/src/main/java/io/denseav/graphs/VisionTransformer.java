package io.denseav.graphs;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DINO VisionTransformer (facebookresearch/dino {@code vision_transformer.py}) as a SameDiff graph:
 * prepare_tokens (patches, CLS, interpolated position embeddings), the blocks, the final norm.
 * Built for one batch size and image size (the position-embedding interpolation depends on it).
 *
 * <pre>{@code
 * VisionTransformer vit = VisionTransformer.build(VitConfig.small(8), params, 1, 224, 224);
 * INDArray patches = vit.forward(image).get(VisionTransformer.PATCH_TOKENS);   // [1, 384, 28, 28]
 * }</pre>
 */
public final class VisionTransformer {
    public static final String INPUT = "image";
    /** Patch tokens after the final norm, [B, D, H/p, W/p]. */
    public static final String PATCH_TOKENS = "patch_tokens";
    /** CLS token after the final norm, [B, D]. */
    public static final String CLS = "cls";
    /** All tokens after the final norm, [B, 1 + h·w, D]. */
    public static final String TOKENS = "tokens";

    private final SameDiff sd;
    private final VitConfig config;
    private final int height;
    private final int width;

    private VisionTransformer(SameDiff sd, VitConfig config, int height, int width) {
        this.sd = sd;
        this.config = config;
        this.height = height;
        this.width = width;
    }

    /** The output name of block {@code i}'s raw output (before the final norm), [B·N, D]. */
    public static String blockOutput(int i) {
        return "blocks." + i + ".out";
    }

    /** Builds the graph in a new SameDiff; {@code height}/{@code width} must be multiples of the patch. */
    public static VisionTransformer build(VitConfig c, Params p, int batch, int height, int width) {
        SameDiff sd = Graphs.create();
        SDVariable image = sd.placeHolder(INPUT, p.dtype(), batch, 3, height, width);
        addTo(sd, image, c, p, batch, height, width, "");
        p.verify();
        return new VisionTransformer(sd, c, height, width);
    }

    /** Adds the ViT to an existing graph; returns the final-norm tokens [B·N, D]. Names get {@code scope}. */
    public static SDVariable addTo(SameDiff sd, SDVariable image, VitConfig c, Params p, int batch, int height, int width,
                                   String scope) {
        if (height % c.patch() != 0 || width % c.patch() != 0) {
            throw new IllegalArgumentException("image " + height + "x" + width + " is not a multiple of the patch " + c.patch());
        }
        int h = height / c.patch();
        int w = width / c.patch();
        int n = 1 + h * w;
        long d = c.embedDim();
        SDVariable x = prepareTokens(sd, image, c, p, batch, h, w).reshape((long) batch * n, d);
        for (int i = 0; i < c.depth(); i++) {
            x = Block.apply(p, "blocks." + i + ".", x, c, batch, n);
            x = sd.identity(scope + blockOutput(i), x);
        }
        SDVariable out = Block.norm(p, "norm.", x, c);
        SDVariable tokens = sd.identity(scope + TOKENS, out.reshape(batch, n, d));
        sd.identity(scope + CLS, tokens.get(SDIndex.all(), SDIndex.point(0), SDIndex.all()));
        SDVariable patches = tokens.get(SDIndex.all(), SDIndex.interval(1, n), SDIndex.all());
        sd.identity(scope + PATCH_TOKENS, patches.reshape(batch, h, w, d).permute(0, 3, 1, 2));
        return out;
    }

    /** Patch embedding, CLS token, and position embeddings interpolated as DINO does. */
    private static SDVariable prepareTokens(SameDiff sd, SDVariable image, VitConfig c, Params p, int batch, int h, int w) {
        long d = c.embedDim();
        long[] posShape = p.shapeOf("pos_embed", 1, 1 + (224L / c.patch()) * (224L / c.patch()), d);
        int grid = (int) Math.round(Math.sqrt(posShape[1] - 1));
        if ((long) grid * grid != posShape[1] - 1) {
            throw new IllegalArgumentException("pos_embed holds " + (posShape[1] - 1) + " patch positions, not a square grid");
        }
        SDVariable pos = p.var(sd, "pos_embed", 1, 1 + (long) grid * grid, d);
        SDVariable clsPos = pos.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all());
        SDVariable gridPos = pos.get(SDIndex.all(), SDIndex.interval(1, 1 + grid * grid), SDIndex.all())
                .reshape((long) grid * grid, d);
        if (!(h * w == grid * grid && h == w)) { // DINO interpolates unless npatch == N and w == h
            gridPos = interpolate(sd, gridPos, grid, h, w, d, p.dtype());
        }
        SDVariable patches = PatchEmbed.apply(p, "patch_embed.", image, c, batch, h, w).reshape(batch, (long) h * w, d)
                .add(gridPos);
        SDVariable cls = p.var(sd, "cls_token", 1, 1, d).add(clsPos);
        return sd.concat(1, sd.tile(cls, batch, 1, 1), patches);
    }

    /**
     * DINO's interpolate_pos_encoding: bicubic (a = −0.75, align_corners=False) from the stored grid with
     * DINO's +0.1 trick on the scale factor, (h + 0.1)/N, as Ry·grid·Rxᵀ.
     */
    static SDVariable interpolate(SameDiff sd, SDVariable gridPos, int grid, int h, int w, long d, DataType dtype) {
        SDVariable ry = sd.constant(Bicubic.matrix(grid, h, (h + 0.1) / grid).castTo(dtype));
        SDVariable rx = sd.constant(Bicubic.matrix(grid, w, (w + 0.1) / grid).castTo(dtype));
        SDVariable rows = ry.mmul(gridPos.reshape(grid, (long) grid * d)).reshape(h, grid, d).permute(1, 0, 2)
                .reshape(grid, (long) h * d);
        return rx.mmul(rows).reshape(w, h, d).permute(1, 0, 2).reshape((long) h * w, d);
    }

    /** Runs the graph on {@code image [B,3,H,W]}; returns patch tokens, CLS and tokens by name. */
    public Map<String, INDArray> forward(INDArray image) {
        return sd.output(Map.of(INPUT, image), PATCH_TOKENS, CLS, TOKENS);
    }

    /** Runs the graph and returns the named outputs (e.g. {@link #blockOutput(int)}). */
    public Map<String, INDArray> forward(INDArray image, String... outputs) {
        return sd.output(Map.of(INPUT, image), outputs);
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public VitConfig config() {
        return config;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }
}
