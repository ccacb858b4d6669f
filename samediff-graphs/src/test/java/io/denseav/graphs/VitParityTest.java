package io.denseav.graphs;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.KeyMap;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The SameDiff DINO ViT against torchvision's VisionTransformer with the DINO keys mapped onto it (goldens from
 * test-fixtures/generate_backbones.py): at the stored grid, with DINO's position interpolation at a non-square
 * size and batch 2, at eps 1e-4 (DenseAV) and with patch 16. Every block output is compared too.
 */
class VitParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"vit_tiny/grid", "vit_tiny/interp", "vit_tiny_eps4", "vit_tiny_p16"})
    void matchesTorchvision(String name) {
        Path dir = Goldens.dir(name);
        JsonNode c = Goldens.json(dir.resolve("case.json"));
        check(dir, new VitConfig(c.get("embed_dim").asInt(), c.get("depth").asInt(), c.get("heads").asInt(),
                c.get("patch").asInt(), c.get("mlp_dim").asInt(), c.get("eps").asDouble(), 4.0));
    }

    /** Checks a golden case directory; {@code config} null = detect from the weights. Returns the worst ratio. */
    static double check(Path dir, VitConfig config) {
        JsonNode c = Goldens.json(dir.resolve("case.json"));
        String name = dir.getFileName().toString();
        Path weights = c.has("weights") ? dir.resolve(c.get("weights").asText()).normalize() : dir.resolve("weights.pth");
        int batch = c.get("batch").asInt();
        try (Checkpoint ckpt = Checkpoint.open(weights)) {
            KeyMap.Mapped m = KeyMap.DINO.apply(ckpt);
            VitConfig cfg = config != null ? config : Backbones.vitConfig(m).withEps(c.get("eps").asDouble());
            VisionTransformer vit = VisionTransformer.build(cfg, Params.from(m), batch, c.get("height").asInt(),
                    c.get("width").asInt());
            String[] outputs = new String[cfg.depth() + 3];
            outputs[0] = VisionTransformer.PATCH_TOKENS;
            outputs[1] = VisionTransformer.CLS;
            outputs[2] = VisionTransformer.TOKENS;
            for (int i = 0; i < cfg.depth(); i++) outputs[3 + i] = VisionTransformer.blockOutput(i);
            Map<String, INDArray> out = vit.forward(Goldens.npy(dir.resolve("input.npy")), outputs);
            double worst = Goldens.assertClose(Goldens.npy(dir.resolve("patch_tokens.npy")),
                    out.get(VisionTransformer.PATCH_TOKENS), name + " patch tokens");
            worst = Math.max(worst, Goldens.assertClose(Goldens.npy(dir.resolve("cls.npy")), out.get(VisionTransformer.CLS), name + " cls"));
            worst = Math.max(worst, Goldens.assertClose(Goldens.npy(dir.resolve("tokens.npy")), out.get(VisionTransformer.TOKENS),
                    name + " tokens"));
            for (int i = 0; i < cfg.depth(); i++) {
                INDArray ref = Goldens.npy(dir.resolve("block_" + i + ".npy"));
                worst = Math.max(worst, Goldens.assertClose(ref, out.get(VisionTransformer.blockOutput(i)).reshape(ref.shape()),
                        name + " block " + i));
            }
            return worst;
        }
    }
}
