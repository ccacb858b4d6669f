package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.fixtures.Fixtures;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.CheckpointException;
import io.denseav.modelimport.KeyMap;
import org.junit.jupiter.api.Test;

/** Key maps pick the layout; missing, unexpected and mis-shaped keys are listed in one clear error. */
class LoadingTest {
    private static final String VIT = "backbones/vit_tiny/weights.pth";

    @Test
    void missingKeysAreListed() {
        try (Checkpoint c = Checkpoint.open(Fixtures.path(VIT))) {
            VitConfig threeBlocks = new VitConfig(32, 3, 2, 8, 128, 1e-6, 4.0);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> VisionTransformer.build(threeBlocks, Params.from(KeyMap.DINO.apply(c)), 1, 32, 32));
            assertTrue(e.getMessage().contains("12 missing (blocks.2.norm1.weight [32]"), e.getMessage());
        }
    }

    @Test
    void unexpectedKeysAreListed() {
        try (Checkpoint c = Checkpoint.open(Fixtures.path(VIT))) {
            VitConfig oneBlock = new VitConfig(32, 1, 2, 8, 128, 1e-6, 4.0);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> VisionTransformer.build(oneBlock, Params.from(KeyMap.DINO.apply(c)), 1, 32, 32));
            assertTrue(e.getMessage().contains("12 unexpected (blocks.1.attn.proj.bias"), e.getMessage());
            assertTrue(e.getMessage().startsWith(c.path() + ": does not match the DINO ViT graph"), e.getMessage());
        }
    }

    @Test
    void misShapedKeysAreListed() {
        try (Checkpoint c = Checkpoint.open(Fixtures.path(VIT))) {
            VitConfig wideMlp = new VitConfig(32, 2, 2, 8, 64, 1e-6, 4.0);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> VisionTransformer.build(wideMlp, Params.from(KeyMap.DINO.apply(c)), 1, 32, 32));
            assertTrue(e.getMessage().contains("6 mis-shaped (blocks.0.mlp.fc1.weight is [128, 32], expected [64, 32]"), e.getMessage());
        }
    }

    @Test
    void layoutsAreFoundUnderTheirPrefixes() {
        try (Checkpoint c = Checkpoint.open(Fixtures.path("checkpoints/tiny_denseav.ckpt"))) {
            assertEquals("image_model.base_model.model.model.", KeyMap.DINO.apply(c).prefix());
            assertEquals("audio_model.model.", Backbones.hubertKeys(c).prefix());
        }
        try (Checkpoint c = Checkpoint.open(Fixtures.path("backbones/hubert_tiny_large/hf.bin"))) {
            KeyMap.Mapped m = Backbones.hubertKeys(c);
            assertEquals("hubert.", m.prefix());
            assertTrue(m.ignored().contains("hubert.masked_spec_embed"), m.ignored().toString());
        }
        try (Checkpoint c = Checkpoint.open(Fixtures.path("backbones/hubert_tiny_large/torchaudio.pt"))) {
            assertEquals(KeyMap.HUBERT_TORCHAUDIO, Backbones.hubertKeys(c).map());
        }
        try (Checkpoint c = Checkpoint.open(Fixtures.path(VIT))) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> Backbones.hubertKeys(c));
            assertTrue(e.getMessage().contains("does not hold a HF HuBERT"), e.getMessage());
        }
    }

    @Test
    void configurationIsDetectedFromWeightsAndConfigJson() {
        try (Checkpoint c = Checkpoint.open(Fixtures.path("checkpoints/tiny_hubert_base_hf/model.safetensors"))) {
            HubertConfig cfg = Backbones.hubertConfig(Backbones.hubertKeys(c));
            assertEquals(32, cfg.hidden());
            assertEquals(2, cfg.layers());
            assertEquals(2, cfg.heads()); // from config.json: a 32-wide HuBERT is in no table
            assertEquals(false, cfg.layerNormExtractor());
            assertEquals(false, cfg.stableLayerNorm());
            assertEquals(false, cfg.convBias());
        }
        try (Checkpoint c = Checkpoint.open(Fixtures.path("backbones/hubert_tiny_base/hf_param.safetensors"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Backbones.hubertConfig(Backbones.hubertKeys(c)));
            assertTrue(e.getMessage().contains("attention heads"), e.getMessage());
        }
    }
}
