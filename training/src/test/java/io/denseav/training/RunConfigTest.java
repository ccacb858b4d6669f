package io.denseav.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code denseav train --config FILE}: YAML and JSON, preset + overrides, paths, and one-line errors. */
class RunConfigTest {
    @TempDir
    Path tmp;

    @Test
    void yamlOverridesThePresetAndResolvesPathsAgainstTheFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("run.yaml"), String.join("\n",
                "preset: tuxpaint-tiny", "data: tux", "out: runs/a", "workers: 2", "heads: 1",
                "validation: {every: 25, subset: 40}",
                "training:", "  lr: 1.0e-3", "  trainSteps: 7", "  losses: {disentangle: 0.5}", ""));
        RunConfig c = RunConfig.read(f);
        TrainConfig preset = Presets.tuxpaintTiny().training();
        assertEquals("tuxpaint-tiny", c.preset().name());
        assertEquals(tmp.resolve("tux").toAbsolutePath(), c.data());
        assertEquals(tmp.resolve("runs/a").toAbsolutePath(), c.out());
        assertEquals(2, c.workers());
        assertEquals(1, c.heads());
        assertNull(c.init());
        assertEquals(new RunConfig.Validation(25, 40, null), c.validation());
        assertEquals(1e-3, c.training().lr());
        assertEquals(7, c.training().trainSteps());
        assertEquals(0.5, c.training().losses().disentangle());
        // everything not named keeps the preset's value, nested mappings merge key by key
        assertEquals(preset.withSteps(preset.warmupSteps(), 7).withLosses(preset.losses().toBuilder().disentangle(0.5).build()),
                new TrainConfig(c.training().seed(), c.training().batchSize(), c.training().warmupSteps(), c.training().trainSteps(),
                        preset.lr(), c.training().lrWarmup(), c.training().clipNorm(), c.training().imageBackbone(),
                        c.training().finetuneAudio(), c.training().trainPooling(), c.training().checkpointEvery(),
                        c.training().losses(), c.training().simAgg(), c.training().noise(), c.training().init()));
    }

    @Test
    void jsonAndThePaperPreset() throws Exception {
        Path f = Files.writeString(tmp.resolve("run.json"), "{\"preset\": \"paper\", \"data\": \"/d/pairs.csv\", \"out\": \"/o\"}");
        RunConfig c = RunConfig.read(f);
        assertEquals(Presets.paper().training(), c.training());
        assertEquals(40, c.training().batchSize());
        assertEquals(5e-5, c.training().lr());
        assertEquals(3000, c.training().warmupSteps());
        assertEquals(TrainConfig.ImageTraining.LORA, c.training().imageBackbone());
        assertTrue(c.preset().model().lora());
        assertEquals(1, c.workers());
    }

    @Test
    void badFilesGiveOneLineErrorsNamingTheFileAndTheSetting() throws Exception {
        String[][] cases = {
                {"a.yaml", "preset: tuxpaint-tiny\ntraining: {lrr: 1}\n", "unknown setting training.lrr"},
                {"b.yaml", "presett: x\n", "unknown setting presett"},
                {"c.yaml", "preset: huge\n", "unknown preset 'huge'"},
                {"d.yaml", "validation: {every: 0}\n", "validation.every must be at least 1"},
                {"e.yaml", "training: {losses: {tv: -1}}\n", "loss weights must be finite"},
                {"f.json", "{\"preset\": ", "run.json"},
                {"g.yaml", "- a\n- b\n", "not a mapping"},
        };
        for (String[] c : cases) {
            Path f = Files.writeString(tmp.resolve(c[0]), c[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunConfig.read(f), c[0]);
            assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
            assertTrue(c[2].equals("run.json") || e.getMessage().contains(c[2]), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }
}
