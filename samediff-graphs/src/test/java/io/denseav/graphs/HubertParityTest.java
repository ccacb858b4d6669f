package io.denseav.graphs;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.KeyMap;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The SameDiff HuBERT against torchaudio's wav2vec2_model (goldens from test-fixtures/generate_backbones.py),
 * large-style (layer-norm extractor, conv bias, pre-LN) and base-style (group norm, post-LN), with DenseAV's
 * split eps (extractor 1e-5, encoder 1e-4), loading each of the three layouts: torchaudio, HF HubertForCTC
 * ("hubert." prefix, weight_g/weight_v) and HF safetensors (parametrizations.weight.original0/1).
 */
class HubertParityTest {

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({
            "hubert_tiny_large, torchaudio", "hubert_tiny_large, hf", "hubert_tiny_large, hf_param",
            "hubert_tiny_base, torchaudio", "hubert_tiny_base, hf", "hubert_tiny_base, hf_param",
            "hubert_tiny_large_eps4, hf",
    })
    void matchesTorchaudio(String name, String layout) {
        Path dir = Goldens.dir(name);
        JsonNode c = Goldens.json(dir.resolve("case.json"));
        boolean layerExtractor = c.get("extractor").asText().equals("layer");
        HubertConfig base = HubertConfig.large();
        check(dir, layout, new HubertConfig(c.get("hidden").asInt(), c.get("layers").asInt(), c.get("heads").asInt(),
                c.get("ffn").asInt(), c.get("conv_dim").asInt(), base.kernels(), base.strides(), c.get("conv_bias").asBoolean(),
                layerExtractor, c.get("layer_norm_first").asBoolean(), c.get("pos_conv_kernel").asInt(),
                c.get("pos_conv_groups").asInt(), c.get("extractor_eps").asDouble(), c.get("encoder_eps").asDouble()));
    }

    /** Checks a golden case directory; {@code config} null = detect from the weights. Returns the worst ratio. */
    static double check(Path dir, String layout, HubertConfig config) {
        JsonNode c = Goldens.json(dir.resolve("case.json"));
        String name = dir.getFileName().toString();
        Path weights = dir.resolve(c.get("weights").get(layout).asText()).normalize();
        try (Checkpoint ckpt = Checkpoint.open(weights)) {
            KeyMap.Mapped m = Backbones.hubertKeys(ckpt);
            HubertConfig cfg = config != null ? config
                    : Backbones.hubertConfig(m).withEps(c.get("extractor_eps").asDouble(), c.get("encoder_eps").asDouble());
            Hubert hubert = Hubert.build(cfg, Params.from(m), c.get("batch").asInt(), c.get("samples").asInt());
            Map<String, INDArray> out = hubert.forward(Goldens.npy(dir.resolve("input.npy")), Hubert.FEATURES,
                    Hubert.LAST_HIDDEN_STATE);
            double worst = Goldens.assertClose(Goldens.npy(dir.resolve("features.npy")), out.get(Hubert.FEATURES), name + " features");
            return Math.max(worst, Goldens.assertClose(Goldens.npy(dir.resolve("last_hidden_state.npy")),
                    out.get(Hubert.LAST_HIDDEN_STATE), name + " last_hidden_state (" + layout + ")"));
        }
    }
}
