package io.denseav.modelimport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Family detection on the full-size key/shape listings (built by generate_checkpoints.py from the official
 * module layouts) and on the tiny real checkpoints.
 */
class ModelFamilyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "dino_vits8, dino-vits8, DINO ViT-S/8",
            "dino_vits16, dino-vits16, DINO ViT-S/16",
            "dino_vitb8, dino-vitb8, DINO ViT-B/8",
            "dino_vitb16, dino-vitb16, DINO ViT-B/16",
            "hubert_base_hf, hubert-base-hf, HuBERT-Base (HF layout)",
            "hubert_large_hf, hubert-large-hf, HuBERT-Large (HF layout)",
            "hubert_large_hf_ctc, hubert-large-hf, HuBERT-Large (HF layout)",
            "hubert_base_torchaudio, hubert-base-torchaudio, HuBERT-Base (torchaudio layout)",
            "hubert_large_torchaudio, hubert-large-torchaudio, HuBERT-Large (torchaudio layout)",
            "denseav_2head, denseav, 'DenseAV sound_and_language: K=2 heads, LoRA present, audio_cls present'",
            "denseav_language, denseav, 'DenseAV language: K=1 head, LoRA present, audio_cls present'",
            "denseav_sound, denseav, 'DenseAV sound: K=1 head, LoRA absent, audio_cls present'",
    })
    void detectsFullSizeLayouts(String listing, String id, String description) throws Exception {
        JsonNode doc = JSON.readTree(Fixtures.path("checkpoints/families/" + listing + ".shapes.json").toFile());
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("shapes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            shapes.put(e.getKey(), JSON.treeToValue(e.getValue(), long[].class));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = JSON.treeToValue(doc.get("metadata"), Map.class);
        ModelFamily f = ModelFamily.detect(shapes, meta, listing + ".ckpt");
        assertEquals(id, f.id(), f.toString());
        assertEquals(description, f.description());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "tiny_dino_vit.pth, dino-vit",
            "tiny_hubert_hf.bin, hubert-custom-hf",
            "tiny_hubert_base_hf/model.safetensors, hubert-custom-hf",
            "tiny_hubert_torchaudio.pt, hubert-custom-torchaudio",
            "tiny_denseav.ckpt, denseav",
            "tiny_denseav_hf/model.safetensors, denseav",
    })
    void detectsTinyCheckpoints(String file, String id) {
        try (Checkpoint c = Checkpoint.open(Fixtures.path("checkpoints/" + file))) {
            ModelFamily f = ModelFamily.detect(c);
            assertEquals(id, f.id(), f.toString());
            if (id.equals("denseav")) {
                assertEquals(2L, f.details().get("heads"));
                assertEquals(true, f.details().get("lora"));
                assertEquals(true, f.details().get("audio_cls"));
            }
        }
    }
}
