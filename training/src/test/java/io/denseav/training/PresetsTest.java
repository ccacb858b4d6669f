package io.denseav.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.readers.ManifestReader;
import io.denseav.data.readers.ReaderOptions;
import io.denseav.data.readers.Sample;
import io.denseav.data.train.TrainingSamples;
import io.denseav.graphs.ScratchInit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The named set-ups: the curriculum preset is the tiny model with 1200 steps and a sound-first data schedule. */
class PresetsTest {
    @TempDir
    Path tmp;

    @Test
    void theCurriculumPresetVisitsSoundFirstThenHoldsSpeechToAQuarter() throws Exception {
        Presets.Preset p = Presets.named("tuxpaint-curriculum");
        Presets.Preset tiny = Presets.tuxpaintTiny();
        assertEquals(tiny.model(), p.model());
        assertEquals(tiny.training().withSteps(20, 1180).withInit(ScratchInit.TORCH_DEFAULT), p.training());
        assertEquals(1200, p.training().totalSteps());

        ManifestReader r = new ManifestReader(TinyData.write(tmp, 16), Sample.SPEECH, ReaderOptions.defaults());
        TrainingSamples data = p.data().apply(TrainingSamples.builder(r)).imageSize(TinyData.IMAGE).threads(1).build();
        for (int epoch = 0; epoch < 2; epoch++) {
            assertEquals(8, data.epochSize(epoch));
            for (int i : data.order(epoch)) assertEquals(Sample.SOUND, r.source(i), "epoch " + epoch + " item " + i);
        }
        assertEquals(16, data.epochSize(2));
        int speech = 0, n = 0;
        for (int epoch = 2; epoch < 12; epoch++) {
            for (int i = 0; i < data.size(); i++, n++) speech += data.sample(epoch, i).source() == Sample.SPEECH ? 1 : 0;
        }
        double share = speech / (double) n;
        assertTrue(share > 0.15 && share < 0.35, "speech share " + share + " of " + n);
    }

    @Test
    void theProbePresetIsTheCurriculumWithInfoNceAloneAndNoSpliceOrMixup() throws Exception {
        Presets.Preset p = Presets.named("tuxpaint-probe");
        TrainConfig t = p.training();
        assertEquals(ScratchInit.TORCH_DEFAULT, t.init());
        assertEquals(0, t.warmupSteps());
        assertEquals(20, t.lrWarmup());
        io.denseav.training.loss.LossWeights w = t.losses();
        assertEquals(1.0, w.nce());
        assertEquals(0, w.calBalance() + w.nonneg() + w.silenceL1() + w.negAudio() + w.tv() + w.specialization() + w.mixup()
                + w.disentangle());
        ManifestReader r = new ManifestReader(TinyData.write(tmp, 8), Sample.SPEECH, ReaderOptions.defaults());
        TrainingSamples data = p.data().apply(TrainingSamples.builder(r)).imageSize(TinyData.IMAGE).threads(1).build();
        for (int epoch : new int[] {0, 2}) {
            for (int i = 0; i < data.epochSize(epoch); i++) {
                io.denseav.data.train.TrainingSample s = data.sample(epoch, i);
                assertEquals(s.audioMask(), s.positiveMask(), "nothing spliced");
                assertEquals(1.0, s.imageMask().minNumber().doubleValue(), "no mixup grid");
            }
        }
    }
}
