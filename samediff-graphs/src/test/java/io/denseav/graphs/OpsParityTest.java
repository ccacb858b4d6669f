package io.denseav.graphs;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each M2.1 workaround in {@link Ops} and {@link Bicubic} against torch (forward and, where it matters, autograd
 * gradients): LayerNorm with eps, exact GELU, bicubic a = −0.75 with DINO's scale, grouped conv1d, weight norm.
 */
class OpsParityTest {
    static INDArray ops(String name) {
        return Goldens.npy(Goldens.dir("ops/" + name + ".npy"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e-06", "1e-05", "1e-04"})
    void layerNormMatchesTorchWithGradients(String eps) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", ops("layernorm_x"));
        SDVariable w = sd.var("w", ops("layernorm_weight"));
        SDVariable b = sd.var("b", ops("layernorm_bias"));
        SDVariable out = Ops.layerNorm(x, 1, w, b, Double.parseDouble(eps));
        out.mul(sd.constant(ops("layernorm_g"))).sum().markAsLoss();
        String tag = "layernorm_eps" + eps.replace("e-0", "e-0");
        Goldens.assertClose(ops(tag + "_out"), out.eval(), tag);
        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "x", "w", "b");
        Goldens.assertClose(ops(tag + "_dx"), g.get("x"), tag + " dx");
        Goldens.assertClose(ops(tag + "_dweight"), g.get("w"), tag + " dweight");
        Goldens.assertClose(ops(tag + "_dbias"), g.get("b"), tag + " dbias");
    }

    @Test
    void geluIsExactWithGradient() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", ops("gelu_x"));
        SDVariable out = Ops.gelu(x);
        out.mul(sd.constant(ops("gelu_g"))).sum().markAsLoss();
        Goldens.assertClose(ops("gelu_out"), out.eval(), "gelu");
        Goldens.assertClose(ops("gelu_dx"), sd.calculateGradients(Map.of(), "x").get("x"), "gelu dx");
    }

    @Test
    void bicubicMatchesTorchInterpolate() {
        JsonNode index = Goldens.json(Goldens.dir("ops/index.json"));
        for (JsonNode c : index.get("bicubic_cases")) {
            String name = c.get("name").asText();
            INDArray in = ops(name + "_in"); // [1, C, N, N]
            int grid = c.get("grid").asInt();
            int oh = c.get("out_h").asInt();
            int ow = c.get("out_w").asInt();
            INDArray ry = Bicubic.matrix(grid, oh, c.get("scale_factor").get(0).asDouble());
            INDArray rx = Bicubic.matrix(grid, ow, c.get("scale_factor").get(1).asDouble());
            long channels = in.size(1);
            INDArray out = Nd4j.create(DataType.FLOAT, 1, channels, oh, ow);
            for (int ch = 0; ch < channels; ch++) {
                INDArray x = in.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(ch));
                out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(ch))
                        .assign(ry.mmul(x).mmul(rx.transpose()));
            }
            Goldens.assertClose(ops(name + "_out"), out, name);
        }
    }

    @Test
    void dinoPositionInterpolationGraphMatchesTorch() {
        // the graph form used by VisionTransformer (Ry·grid·Rxᵀ over [N², D] tokens) on case bicubic_2 (28 → 40×24)
        INDArray in = ops("bicubic_2_in"); // [1, D, 28, 28]
        long d = in.size(1);
        SameDiff sd = SameDiff.create();
        SDVariable tokens = sd.var("pos", in.reshape(d, 28 * 28).transpose().dup());
        INDArray out = VisionTransformer.interpolate(sd, tokens, 28, 40, 24, d, DataType.FLOAT).eval(); // [40·24, D]
        INDArray expected = ops("bicubic_2_out").reshape(d, 40 * 24).transpose();
        Goldens.assertClose(expected, out, "pos-embed interpolation 28→40×24");
    }

    @Test
    void weightNormAndGroupedConvMatchTorch() {
        SameDiff sd = SameDiff.create();
        SDVariable w = Ops.weightNorm(sd.var("g", ops("weightnorm_g")), sd.var("v", ops("weightnorm_v")));
        Goldens.assertClose(ops("weightnorm_w"), w.eval(), "weight norm");

        SameDiff sd2 = SameDiff.create();
        INDArray x = ops("gconv_x").permute(0, 2, 1).dup(); // NCW → NWC
        SDVariable y = Ops.groupedConv1d(sd2.var("x", x), sd2.var("w", ops("gconv_weight")), 4, 32, 16, 8);
        SDVariable trimmed = y.get(org.nd4j.autodiff.samediff.SDIndex.all(), org.nd4j.autodiff.samediff.SDIndex.interval(0, 12),
                org.nd4j.autodiff.samediff.SDIndex.all()).add(sd2.var("b", ops("gconv_bias")));
        Goldens.assertClose(ops("gconv_out"), trimmed.eval().permute(0, 2, 1), "grouped conv1d");
    }
}
