package io.denseav.evaluation.protocols;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.DataException;
import io.denseav.data.FrameMask;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.evaluation.FeatureCache;
import io.denseav.graphs.DenseAv;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The aligned DenseAV features of evaluation inputs (reference §7: the model in eval mode, 28×28 at 224²; images
 * {@code Resize(224) + CenterCrop(224)}, audio padded to the model's clip length, 164,200 samples for the releases,
 * and normalised), computed once per file
 * across a few consecutive uses and, with a {@link FeatureCache}, once per (model, file) across runs. The cache kinds are those of
 * {@code denseav retrieve}, so the two share entries.
 *
 * <pre>{@code
 * try (DenseAv model = DenseAv.load(ckpt)) {
 *     Features f = Features.of(model, ckpt).cached(FeatureCache.standard());
 *     INDArray v = f.image(Path.of("dog.jpg"));                  // [1, 384, 28, 28]
 *     Features.Audio a = f.audio(Path.of("bark.wav"));           // [1, 384, 1, 56] + frame mask [1, 56]
 * }
 * }</pre>
 */
public final class Features {
    /** Cache kinds (shared with {@code denseav retrieve}): the image one, and "audio-N" (+ "-mask") for N-sample clips. */
    static final String IMAGE_KIND = "image-eval-224";
    /** Files remembered in memory per kind. */
    private static final int RECENT = 16;

    /** Aligned audio features {@code [1, code, 1, T]} and the validity mask at that frame rate {@code [1, T]}. */
    public record Audio(INDArray feats, INDArray mask) {
    }

    private final DenseAv model;
    private final Path modelFile;
    private final FeatureCache cache;
    private final Map<Path, INDArray> images = recent();
    private final Map<Path, Audio> clips = recent();

    private Features(DenseAv model, Path modelFile, FeatureCache cache) {
        this.model = Objects.requireNonNull(model, "model");
        this.modelFile = modelFile;
        this.cache = cache;
        model.trainPooling(false); // eval mode: no 2×2 pooling of the image map
    }

    /**
     * Features of {@code model} (switched to eval mode), loaded from {@code modelFile} (the cache key; may be null
     * when no cache is used).
     */
    public static Features of(DenseAv model, Path modelFile) {
        return new Features(model, modelFile, null);
    }

    /** The same, reading and writing {@code cache} (null: no cache). */
    public Features cached(FeatureCache c) {
        if (c != null && modelFile == null) throw new IllegalArgumentException("a feature cache needs the model file");
        return new Features(model, modelFile, c);
    }

    public DenseAv model() {
        return model;
    }

    /** Whether the features are cached on disk. */
    public boolean isCached() {
        return cache != null;
    }

    /** {@code [1, code, h, w]} of the evaluation transform of {@code file}. */
    public INDArray image(Path file) {
        Path key = file.toAbsolutePath().normalize();
        INDArray v = images.get(key);
        if (v == null) {
            Supplier<INDArray> compute = () -> model.imageFeatures(ImagePreprocessor.evaluation().apply(file));
            v = cache == null ? compute.get() : cache.get(modelFile, file, IMAGE_KIND, compute);
            images.put(key, v);
        }
        return v;
    }

    /** Aligned features and frame mask of {@code file} padded (or trimmed) to the model's clip length (164,200 samples). */
    public Audio audio(Path file) {
        Path key = file.toAbsolutePath().normalize();
        Audio a = clips.get(key);
        if (a == null) {
            PreprocessedAudio[] clip = new PreprocessedAudio[1];
            Supplier<PreprocessedAudio> load = () -> clip[0] != null ? clip[0] : (clip[0] = decode(file));
            Supplier<INDArray> feats = () -> model.audioFeatures(load.get().audio());
            Supplier<INDArray> mask = () -> FrameMask.of(load.get().mask(), model.alignedFrames((int) load.get().length()));
            if (cache == null) {
                a = new Audio(feats.get(), mask.get());
            } else {
                INDArray f = cache.get(modelFile, file, audioKind(), feats);
                a = new Audio(f.reshape(1, model.config().codeDim(), 1, -1), cache.get(modelFile, file, audioKind() + "-mask", mask));
            }
            clips.put(key, a);
        }
        return a;
    }

    /** The last few files' features (the same picture often has several prompts in a row); callers keep the rest. */
    private static <V> Map<Path, V> recent() {
        return new LinkedHashMap<>(32, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, V> eldest) {
                return size() > RECENT;
            }
        };
    }

    private String audioKind() {
        return "audio-" + model.clipSamples();
    }

    /** Seconds of the padded clip the model takes (10.2625 s for the releases). */
    public float clipSeconds() {
        return model.clipSamples() / (float) AudioPreprocessor.SAMPLE_RATE;
    }

    private PreprocessedAudio decode(Path file) {
        try {
            return AudioPreprocessor.padded(model.clipSamples()).apply(file);
        } catch (IllegalArgumentException e) {
            throw new DataException(file, e.getMessage());
        }
    }
}
