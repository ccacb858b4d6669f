package io.denseav.training;

import io.denseav.data.readers.Sample;
import io.denseav.graphs.DenseAvConfig;
import io.denseav.graphs.HubertConfig;
import io.denseav.graphs.ScratchInit;
import io.denseav.graphs.VitConfig;
import io.denseav.training.loss.LossWeights;
import java.util.Map;

/**
 * Named training set-ups. {@code tuxpaint-tiny} is the small DenseAV trained from scratch on TuxPaint-AV on a 2-core
 * CPU and shipped as the default model: the same code paths as the released model (DINO-style ViT, HuBERT-style
 * conv extractor + encoder, DenseAV's aligners, 2 heads, every loss term with L_Dis) at small widths.
 */
public final class Presets {
    /** A model configuration with its training configuration. */
    public record Preset(String name, DenseAvConfig model, int clipSamples, TrainConfig training, String description,
                         java.util.function.UnaryOperator<io.denseav.data.train.TrainingSamples.Builder> data) {
    }

    private static final int[] KERNELS = {10, 3, 3, 3, 3, 2, 2};
    private static final int[] STRIDES = {5, 2, 2, 2, 2, 2, 2};

    /**
     * 2 s clips: TuxPaint-AV prompts last 0.8 s (median) to 2.4 s (90th percentile). With 3 s clips the padding
     * dominated the encoder's attention and the audio features collapsed to one vector (std over clips 0.027 → 0.008
     * in 25 steps); 10.26 s would be 90% padding.
     */
    static final int CLIP_SAMPLES = 32_000;

    private Presets() {
    }

    public static Map<String, Preset> all() {
        return Map.of("tuxpaint-tiny", tuxpaintTiny(), "tuxpaint-curriculum", tuxpaintCurriculum(), "tuxpaint-probe",
                tuxpaintProbe(), "paper", paper());
    }

    public static Preset named(String name) {
        Preset p = all().get(name);
        if (p == null) throw new IllegalArgumentException("unknown preset '" + name + "' (known: " + all().keySet() + ")");
        return p;
    }

    /**
     * ViT 4×96 with 16-pixel patches (a 14×14 map at 224², no train-mode pooling so the map stays 14×14), a 2-layer
     * 64-wide HuBERT-style encoder over a 16-channel conv extractor, code 32 in 2 heads. From scratch, so the
     * learning rate is higher than the reference's fine-tuning rate and phase 1 is short; everything trains in phase 2.
     * Clips are 2 s, not the releases' 10.26 s (recorded as {@code audio_samples} in the model's config.json).
     */
    public static Preset tuxpaintTiny() {
        VitConfig image = new VitConfig(96, 4, 4, 16, 384, VitConfig.DENSEAV_EPS, 4.0);
        HubertConfig audio = new HubertConfig(64, 2, 4, 256, 16, KERNELS, STRIDES, true, true, true, 16, 4, 1e-5,
                HubertConfig.DENSEAV_ENCODER_EPS);
        DenseAvConfig model = new DenseAvConfig(image, audio, 32, 2, 2, false, true, "max_elementwise");
        // from scratch the regularisers (tuned for pretrained features) win before InfoNCE has any signal: at the
        // reference weights the audio features collapsed to one vector within 100 steps (std over clips 0.027 → 0.001),
        // so every regulariser is 10x lighter here; L_Dis (0 in the reference yaml) is on
        LossWeights losses = LossWeights.builder().nonneg(0.001).silenceL1(0.001).negAudio(0.001).tv(0.001)
                .specialization(0.005).mixup(0.01).disentangle(0.01).build();
        TrainConfig training = new TrainConfig(0, 16, 20, 130, 5e-4, 50, GradientClipping.DEFAULT_MAX_NORM,
                TrainConfig.ImageTraining.ALL, true, false, 100, losses, "misa",
                io.denseav.graphs.TrainNoise.NONE, // the shipped model was trained without train-mode noise
                ScratchInit.SMALL_NORMAL); // and from the small normal init
        return new Preset("tuxpaint-tiny", model, CLIP_SAMPLES, training,
                "tiny DenseAV-2head from scratch on TuxPaint-AV (ViT 4x96/16, HuBERT-style 2x64, code 32, K=2, L_Dis)",
                // prompts last ~0.8 s: a 1–4 s negative piece would replace the whole prompt, so half the clips get
                // a 0.25–0.75 s piece (the reference splices every 10.26 s caption with 1–4 s, ~10–40%)
                b -> b.audioSamples(CLIP_SAMPLES).splice(0.5, 0.25, 0.75));
    }

    /**
     * The tiny model with the recipe that the torch probe ({@code test-fixtures/probe_train_tuxpaint.py}) found to
     * learn held-out grounding from scratch (README, "The default model"): a 3000-picture TuxPaint-AV set, sound
     * prompts only for the first two epochs of them (~330 steps), then spoken names held to 25% of the prompts (at
     * their natural two thirds they undo what sound taught), random crops keeping at least half the picture, no random
     * audio window (it cuts short prompts away), 1200 steps, and weights drawn as torch's modules draw them
     * ({@link ScratchInit#TORCH_DEFAULT}: the probe started from the small normal init stays at ln 16), and no
     * colour jitter or grayscale (with them the probe stalls too). About 30–45 minutes here; not yet what the default
     * model is.
     */
    public static Preset tuxpaintCurriculum() {
        Preset tiny = tuxpaintTiny();
        return new Preset("tuxpaint-curriculum", tiny.model(), CLIP_SAMPLES,
                tiny.training().withSteps(20, 1180).withInit(ScratchInit.TORCH_DEFAULT),
                "tiny DenseAV-2head from scratch, sound-first curriculum (use a 'dataset tuxpaint --train 3000' set)",
                b -> tiny.data().apply(b).randomWindow(0).cropScale(0.5).colorAugment(0, 0)
                        .sourceFirst(Sample.SOUND, 2).sourceShare(Sample.SPEECH, 0.25));
    }

    /**
     * The torch probe's recipe in the JVM trainer, to compare the two from the same weights: the curriculum's data
     * schedule, crops and colours, InfoNCE alone, no negative splice, no quad-mixup, no aligner-only phase, a 20-step
     * warm-up, 600 steps. Not a recipe for a shipped model (the issue asks for every loss term).
     */
    public static Preset tuxpaintProbe() {
        Preset cur = tuxpaintCurriculum();
        TrainConfig t = cur.training().withSteps(0, 600).withLosses(LossWeights.infoNceOnly()).withLrWarmup(20);
        return new Preset("tuxpaint-probe", cur.model(), CLIP_SAMPLES, t,
                "tiny DenseAV-2head with test-fixtures/probe_train_tuxpaint.py's recipe (InfoNCE only, no splice, no mixup)",
                b -> cur.data().apply(b).spliceNegatives(false).quadMixup(0));
    }

    /**
     * The reference's settings (denseav-reference.md §5, configs/av_align.yaml): DINO ViT-S/8 with LoRA r 8 and
     * HuBERT-Large, code 384 in 2 heads, 10.26 s clips, 3000 warm-up steps, Adam 5e-5 with a 1000-step warm-up per
     * phase, clipping 10, train-mode pooling, a contrastive batch of 40 (4 GPUs × 10), phase 2 until stopped
     * (max_steps 1,000,001). Start it from pretrained weights ({@code init}): random backbones do not make DenseAV.
     */
    public static Preset paper() {
        VitConfig image = VitConfig.small(8).withEps(VitConfig.DENSEAV_EPS);
        HubertConfig audio = HubertConfig.large().withEps(1e-5, HubertConfig.DENSEAV_ENCODER_EPS);
        DenseAvConfig model = new DenseAvConfig(image, audio, 384, 2, 6, true, true, "max_elementwise");
        TrainConfig reference = TrainConfig.reference(3000, 1_000_001);
        TrainConfig training = new TrainConfig(reference.seed(), 40, reference.warmupSteps(), reference.trainSteps(),
                reference.lr(), reference.lrWarmup(), reference.clipNorm(), reference.imageBackbone(), reference.finetuneAudio(),
                reference.trainPooling(), reference.checkpointEvery(), reference.losses(), reference.simAgg(), reference.noise(),
                reference.init());
        return new Preset("paper", model, io.denseav.graphs.DenseAv.RELEASED_CLIP_SAMPLES, training,
                "the reference's DenseAV-2head settings (ViT-S/8 + LoRA, HuBERT-Large, batch 40, lr 5e-5)",
                b -> b.audioSamples(io.denseav.graphs.DenseAv.RELEASED_CLIP_SAMPLES));
    }
}
