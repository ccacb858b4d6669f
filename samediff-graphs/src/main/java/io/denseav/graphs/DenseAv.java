package io.denseav.graphs;

import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.KeyMap;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DenseAV (Hamilton et al., CVPR 2024) as SameDiff graphs, loaded from a released checkpoint (Lightning .ckpt or
 * HF model.safetensors + config.json): image path (DINO + LoRA + image aligner), audio path (HuBERT + audio CLS +
 * audio aligner), the similarity volume and MISA scores. Graphs are built per input shape and cached.
 *
 * <pre>{@code
 * try (DenseAv model = DenseAv.load(Path.of("denseav_2head.ckpt"))) {
 *     INDArray v = model.imageFeatures(image);            // [1, 384, 28, 28] (eval mode)
 *     INDArray a = model.audioFeatures(audio);            // [1, 384, 1, 56]
 *     INDArray heat = model.heatmap(a, frameMask, v);     // [1, 28, 28]
 * }
 * }</pre>
 */
public final class DenseAv implements Closeable {
    public static final String IMAGE = "image";
    public static final String AUDIO = "audio";
    public static final String IMAGE_FEATS = "image_feats";
    public static final String AUDIO_FEATS = "audio_feats";

    private final Checkpoint checkpoint;
    private final DenseAvConfig config;
    private final Params dino;
    private final Params hubert;
    private final Params heads;
    private final Map<String, SameDiff> graphs = new HashMap<>();
    private boolean trainPooling;
    /** Clip length the model was trained on: the released models' 164,200 samples (10.2625 s at 16 kHz). */
    public static final int RELEASED_CLIP_SAMPLES = 164_200;
    private int clipSamples = RELEASED_CLIP_SAMPLES;
    private String simAgg = "misa";

    private DenseAv(Checkpoint checkpoint, DenseAvConfig config, Params dino, Params hubert, Params heads) {
        this.checkpoint = checkpoint;
        this.config = config;
        this.dino = dino;
        this.hubert = hubert;
        this.heads = heads;
    }

    /** Loads a DenseAV release (a file, or an HF folder); the configuration comes from its hyper-parameters / config.json and keys. */
    public static DenseAv load(Path path) {
        // an HF-style folder: its model.safetensors (with config.json beside it)
        Checkpoint ckpt = Checkpoint.open(java.nio.file.Files.isDirectory(path) ? path.resolve("model.safetensors") : path);
        try {
            KeyMap.Mapped headKeys = KeyMap.DENSEAV_HEADS.apply(ckpt);
            KeyMap.Mapped dinoKeys = KeyMap.DINO.apply(ckpt);
            KeyMap.Mapped hubertKeys = KeyMap.HUBERT_HF.apply(ckpt);
            Map<String, Object> hp = io.denseav.modelimport.ModelFamily.hyperParameters(ckpt.metadata());
            DenseAvConfig c = DenseAvConfig.detect(dinoKeys, hubertKeys, headKeys, hp);
            DenseAv m = new DenseAv(ckpt, c, Params.from(dinoKeys), Params.from(hubertKeys), Params.from(headKeys));
            if (hp.get("audio_samples") instanceof Number n) m.clipSamples(n.intValue());
            if (GlobalPoolAggregator.NAME.equals(hp.get("sim_agg_type"))) m.simAgg(GlobalPoolAggregator.NAME);
            return m;
        } catch (IllegalArgumentException e) {
            ckpt.close();
            throw new io.denseav.modelimport.CheckpointException(path, "not a loadable DenseAV model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    /** The released 2-head architecture with random weights (benchmarks, memory checks): no file needed. */
    public static DenseAv random(long seed) {
        VitConfig image = VitConfig.small(8).withEps(VitConfig.DENSEAV_EPS);
        HubertConfig audio = HubertConfig.large().withEps(1e-5, HubertConfig.DENSEAV_ENCODER_EPS);
        return random(new DenseAvConfig(image, audio, 384, 2, 6, false, true, "max_elementwise"), seed);
    }

    /** A model of any configuration with fresh random weights ({@link ScratchInit#SMALL_NORMAL}; tests). */
    public static DenseAv random(DenseAvConfig c, long seed) {
        return random(c, seed, ScratchInit.SMALL_NORMAL);
    }

    /** A model of any configuration with fresh weights drawn by {@code init} (training from scratch). */
    public static DenseAv random(DenseAvConfig c, long seed, ScratchInit init) {
        DataType f = DataType.FLOAT;
        return new DenseAv(null, c, Params.random(seed, init, f), Params.random(seed + 1, init, f),
                Params.random(seed + 2, init, f));
    }

    /**
     * A replica of this model for a data-parallel worker: the same configuration and settings, with its own copy
     * of every weight the graphs built so far use, on the calling thread's device. Build the graphs first.
     */
    public DenseAv replica() {
        DenseAv r = new DenseAv(null, config, dino.replica(), hubert.replica(), heads.replica());
        r.trainPooling = trainPooling;
        r.clipSamples = clipSamples;
        r.simAgg = simAgg;
        return r;
    }

    /** The official key prefixes of the image and audio backbones inside a DenseAV checkpoint (§6.3). */
    public String imagePrefix() {
        return config.lora() ? "image_model.base_model.model.model." : "image_model.model.";
    }

    public static final String AUDIO_PREFIX = "audio_model.model.";
    /** The audio path's SpecAugment input in train mode ({@link TrainNoise}, {@link SpecAugment}): {@code [B, T_hubert]}. */
    public static final String AUDIO_TIME_MASK = "audio/" + Hubert.TIME_MASK;

    /**
     * Weights used by the graphs built so far, under their official checkpoint keys. The arrays are the graphs'
     * own (held as given, see {@link Graphs#create()}), so a trainer's in-place updates show here.
     */
    public Map<String, INDArray> weights() {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        variableKeys().forEach((name, key) -> out.put(key, (key.startsWith(AUDIO_PREFIX) ? hubert
                : key.startsWith(imagePrefix()) ? dino : heads).loaded().get(name)));
        return out;
    }

    /** Graph variable name (the canonical key) → official checkpoint key, for the weights used so far. */
    public Map<String, String> variableKeys() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        dino.loaded().keySet().forEach(k -> out.put(k, imagePrefix() + k));
        hubert.loaded().keySet().forEach(k -> out.put(k, AUDIO_PREFIX + k));
        heads.loaded().keySet().forEach(k -> out.put(k, k));
        return out;
    }

    public DenseAvConfig config() {
        return config;
    }

    /**
     * Samples every clip is padded or trimmed to before the audio path: 164,200 for the releases; a model trained
     * here on shorter clips records its own length ({@code audio_samples} in its config.json).
     */
    public int clipSamples() {
        return clipSamples;
    }

    public DenseAv clipSamples(int samples) {
        if (samples <= 0) throw new IllegalArgumentException("clip length " + samples);
        this.clipSamples = samples;
        return this;
    }

    /** The clip-image aggregation: "misa" (DenseAV) or "imagebind" (the global-pooling baseline, {@link GlobalPoolAggregator}). */
    public String simAgg() {
        return simAgg;
    }

    public DenseAv simAgg(String name) {
        if (!name.equals("misa") && !name.equals(GlobalPoolAggregator.NAME)) {
            throw new IllegalArgumentException("unknown aggregation '" + name + "' (misa, " + GlobalPoolAggregator.NAME + ")");
        }
        this.simAgg = name;
        graphs.keySet().removeIf(k -> k.startsWith("scores:"));
        return this;
    }

    /** Training mode's 2×2 average pooling of the image map (the demo's 14×14 at 224²); off = eval (28×28). */
    public DenseAv trainPooling(boolean on) {
        this.trainPooling = on;
        return this;
    }

    /** Aligned image features {@code [B, code, h, w]} of normalised images {@code [B, 3, H, W]}. */
    public INDArray imageFeatures(INDArray images) {
        int b = (int) images.size(0);
        int hgt = (int) images.size(2);
        int wid = (int) images.size(3);
        SameDiff sd = graphs.computeIfAbsent("image:" + b + ":" + hgt + ":" + wid + ":" + trainPooling,
                key -> imageGraph(b, hgt, wid));
        return sd.output(Map.of(IMAGE, images), IMAGE_FEATS).get(IMAGE_FEATS);
    }

    /** Aligned audio features {@code [B, code, 1, T_a]} of normalised 16 kHz audio {@code [B, L]}. */
    public INDArray audioFeatures(INDArray audio) {
        int b = (int) audio.size(0);
        int samples = (int) audio.size(1);
        SameDiff sd = graphs.computeIfAbsent("audio:" + b + ":" + samples, key -> audioGraph(b, samples));
        return sd.output(Map.of(AUDIO, audio), AUDIO_FEATS).get(AUDIO_FEATS);
    }

    /** T_a for a clip of {@code samples} 16 kHz samples. */
    public int alignedFrames(int samples) {
        return DenseAvConfig.alignedFrames(config.audio().frames(samples));
    }

    private SameDiff imageGraph(int b, int hgt, int wid) {
        SameDiff sd = Graphs.create();
        sd.identity(IMAGE_FEATS, addImagePath(sd, sd.placeHolder(IMAGE, DataType.FLOAT, b, 3, hgt, wid), b, hgt, wid, trainPooling));
        dino.verify();
        return sd;
    }

    /**
     * The image path into {@code sd}: DINO (+ LoRA) → image aligner → {@code [B, code, h, w]}, with the training
     * mode's 2×2 average pooling when {@code pool}. Weights are graph variables named by their canonical keys.
     */
    public SDVariable addImagePath(SameDiff sd, SDVariable image, int b, int hgt, int wid, boolean pool) {
        VitConfig vc = config.image();
        SDVariable tokens = VisionTransformer.addTo(sd, image, vc, dino, b, hgt, wid, "image/");
        int h = hgt / vc.patch();
        int w = wid / vc.patch();
        long d = vc.embedDim();
        long code = config.codeDim();
        SDVariable patches = tokens.reshape(b, 1 + h * w, d).get(SDIndex.all(), SDIndex.interval(1, 1 + h * w), SDIndex.all())
                .reshape((long) b * h * w, d);
        SDVariable map = ImageAligner.apply(heads, patches, d, code).reshape(b, h, w, code).permute(0, 3, 1, 2);
        if (pool) { // AvgPool2d(2): odd trailing rows/columns are dropped
            map = map.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(0, h / 2 * 2), SDIndex.interval(0, w / 2 * 2))
                    .reshape(b, code, h / 2, 2, w / 2, 2).mean(3, 5);
        }
        return map;
    }

    private SameDiff audioGraph(int b, int samples) {
        SameDiff sd = Graphs.create();
        sd.identity(AUDIO_FEATS, addAudioPath(sd, sd.placeHolder(AUDIO, DataType.FLOAT, b, samples), b, samples));
        heads.var(sd, "sim_cal.w", 1);
        hubert.verify();
        return sd;
    }

    /** The audio path into {@code sd}: HuBERT → audio CLS + aligner → {@code [B, code, 1, T_a]}. */
    public SDVariable addAudioPath(SameDiff sd, SDVariable audio, int b, int samples) {
        HubertConfig hc = config.audio();
        int frames = hc.frames(samples);
        if (DenseAvConfig.alignedFrames(frames) < 1) {
            throw new IllegalArgumentException(samples + " samples give no aligned audio frame (need at least 9 HuBERT frames)");
        }
        SDVariable hidden = Hubert.addTo(sd, audio, hc, hubert, b, samples, "audio/");
        SDVariable aligned = AudioAligner.apply(heads, hidden, config, b, frames); // [B, T_a, code]
        return aligned.permute(0, 2, 1).reshape(b, config.codeDim(), 1, DenseAvConfig.alignedFrames(frames));
    }

    /** The calibration parameter {@code sim_cal.w} (log scale, §3.4) as a graph variable of {@code sd}. */
    public SDVariable calibration(SameDiff sd) {
        return heads.var(sd, "sim_cal.w", 1);
    }

    /** Paired volume {@code [B, K, h, w, T_a]} (mask applied) of clip b with image b. */
    public INDArray pairedVolume(INDArray audioFeats, INDArray frameMask, INDArray imageFeats) {
        return runPaired(audioFeats, frameMask, imageFeats, false);
    }

    /** The eval heatmap {@code [B, h, w]}: max over heads, masked time mean (before any min–max). */
    public INDArray heatmap(INDArray audioFeats, INDArray frameMask, INDArray imageFeats) {
        return runPaired(audioFeats, frameMask, imageFeats, true);
    }

    private INDArray runPaired(INDArray a, INDArray mask, INDArray v, boolean heat) {
        int b = (int) v.size(0);
        int h = (int) v.size(2);
        int w = (int) v.size(3);
        int t = (int) a.size(3);
        SameDiff sd = graphs.computeIfAbsent("paired:" + b + ":" + h + ":" + w + ":" + t, key -> {
            SameDiff g = SameDiff.create();
            SDVariable p = SimilarityVolume.paired(g.placeHolder(AUDIO_FEATS, DataType.FLOAT, b, config.codeDim(), 1, t),
                    g.placeHolder(IMAGE_FEATS, DataType.FLOAT, b, config.codeDim(), h, w),
                    g.placeHolder("mask", DataType.FLOAT, b, t), config.heads(), config.codeDim(), b, h, w, t);
            g.identity("paired", p);
            g.identity("heatmap", MisaAggregator.heatmap(p, g.getVariable("mask"), b, t));
            return g;
        });
        String out = heat ? "heatmap" : "paired";
        return sd.output(Map.of(AUDIO_FEATS, a, IMAGE_FEATS, v, "mask", mask.castTo(DataType.FLOAT)), out).get(out);
    }

    /**
     * MISA scores of every clip against every image: {@code [A, V, K]} per head when {@code agg} is null, else
     * {@code [A, V]} ({@code SUM} is the retrieval score, {@code MAX_ELEMENTWISE} the loss score). Images are
     * processed in chunks of at most 128 MB of volume (measured: 40×40 pairs at 14×14 add under 1 GB of peak RSS).
     */
    public INDArray scores(INDArray audioFeats, INDArray frameMask, INDArray imageFeats, MisaAggregator.HeadAgg agg) {
        int clips = (int) audioFeats.size(0);
        int t = (int) audioFeats.size(3);
        int images = (int) imageFeats.size(0);
        int hw = (int) (imageFeats.size(2) * imageFeats.size(3));
        long perImage = 4L * config.heads() * clips * t * hw;
        int chunk = (int) Math.max(1, Math.min(images, (128L << 20) / Math.max(perImage, 1)));
        INDArray[] parts = new INDArray[(images + chunk - 1) / chunk];
        for (int i = 0, p = 0; i < images; i += chunk, p++) {
            int n = Math.min(chunk, images - i);
            INDArray v = imageFeats.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + n)).dup().reshape(n, config.codeDim(), hw, 1);
            SameDiff sd = graphs.computeIfAbsent("scores:" + clips + ":" + t + ":" + n + ":" + hw + ":" + agg,
                    key -> scoreGraph(clips, t, n, hw, agg));
            parts[p] = sd.output(Map.of(AUDIO_FEATS, audioFeats, IMAGE_FEATS, v, "mask", frameMask.castTo(DataType.FLOAT)),
                    "scores").get("scores");
        }
        INDArray all = parts.length == 1 ? parts[0] : Nd4j.concat(1, parts);
        return agg == null ? all : all.reshape(clips, images);
    }

    private SameDiff scoreGraph(int clips, int t, int images, int hw, MisaAggregator.HeadAgg agg) {
        SameDiff g = SameDiff.create();
        long code = config.codeDim();
        SDVariable a = g.placeHolder(AUDIO_FEATS, DataType.FLOAT, clips, code, 1, t);
        SDVariable v = g.placeHolder(IMAGE_FEATS, DataType.FLOAT, images, code, hw, 1);
        SDVariable mask = g.placeHolder("mask", DataType.FLOAT, clips, t);
        if (simAgg.equals(GlobalPoolAggregator.NAME)) { // per head, or their sum
            SDVariable s = GlobalPoolAggregator.perHead(a, v, mask, config.heads(), code, clips, t, images, hw);
            g.identity("scores", agg == null ? s : s.sum(true, 2));
            return g;
        }
        SDVariable vol = SimilarityVolume.allPairs(a, v, config.heads(), code, clips, t, images, hw);
        g.identity("scores", MisaAggregator.scores(vol, mask, agg, clips, t));
        return g;
    }

    /** The graphs built so far (for tests and the op guard). */
    public Iterable<SameDiff> graphs() {
        return graphs.values();
    }

    @Override
    public void close() {
        if (checkpoint != null) checkpoint.close();
    }
}
