package io.denseav.data;

import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Audio file to HuBERT input, following DenseAV's {@code prep_waveform} and {@code HubertAudioTransform}
 * (reference §1.2):
 * <ol>
 *   <li>load the first channel ({@link AudioLoader});</li>
 *   <li>resample to 16 kHz with torchaudio's sinc resampler ({@link Resampler});</li>
 *   <li>optionally zero-pad at the end, or truncate keeping the start, to a fixed length (164,200 samples in
 *       training and evaluation), with a validity mask;</li>
 *   <li>optionally {@code Wav2Vec2FeatureExtractor}'s normalisation {@code (x - mean) / sqrt(var + 1e-7)}, population
 *       variance, over the <em>whole</em> vector, padding included: DenseAV calls the processor with
 *       {@code padding=False}, so no attention mask restricts the statistics.</li>
 * </ol>
 * <pre>{@code
 * PreprocessedAudio a = AudioPreprocessor.denseav().apply(Path.of("dog.ogg"));   // [1, 164200] + mask
 * }</pre>
 * {@link #unpadded()} keeps the clip's own length (the demo path). DenseAV's gradio_app and demo notebook pass
 * that clip to HuBERT without normalisation; {@code unpadded().normalized(false)} reproduces them exactly.
 */
public final class AudioPreprocessor {
    /** HuBERT's sample rate. */
    public static final int SAMPLE_RATE = 16_000;
    /** DenseAV's padded length, {@code target_length=10}: "164200  # Result is 1024 after spec". */
    public static final int DENSEAV_SAMPLES = 164_200;
    /** {@code Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm}'s epsilon. */
    static final double EPSILON = 1e-7;

    private final int targetSamples; // 0: keep the clip's length
    private final boolean normalize;

    private AudioPreprocessor(int targetSamples, boolean normalize) {
        if (targetSamples < 0) throw new IllegalArgumentException("target length " + targetSamples);
        this.targetSamples = targetSamples;
        this.normalize = normalize;
    }

    /** Training/evaluation: pad or truncate to 164,200 samples, then normalise. */
    public static AudioPreprocessor denseav() {
        return padded(DENSEAV_SAMPLES);
    }

    /** Pad or truncate to {@code targetSamples}, then normalise. */
    public static AudioPreprocessor padded(int targetSamples) {
        if (targetSamples <= 0) throw new IllegalArgumentException("target length " + targetSamples);
        return new AudioPreprocessor(targetSamples, true);
    }

    /** The whole clip at 16 kHz, normalised (the demo path). */
    public static AudioPreprocessor unpadded() {
        return new AudioPreprocessor(0, true);
    }

    /** The same steps with or without the Wav2Vec2 normalisation. */
    public AudioPreprocessor normalized(boolean on) {
        return new AudioPreprocessor(targetSamples, on);
    }

    /** Loads and preprocesses an audio (or video) file. */
    public PreprocessedAudio apply(Path file) {
        return apply(AudioLoader.load(file));
    }

    /** Preprocesses decoded audio. */
    public PreprocessedAudio apply(Audio audio) {
        if (audio.samples().length == 0) throw new IllegalArgumentException("no audio samples");
        float[] x = Resampler.resample(audio.samples(), audio.sampleRate(), SAMPLE_RATE);
        int length = targetSamples == 0 ? x.length : targetSamples;
        int valid = Math.min(x.length, length);
        float[] wave = new float[length]; // zero padding at the end, or the first `length` samples
        System.arraycopy(x, 0, wave, 0, valid);
        if (normalize) zeroMeanUnitVariance(wave);
        float[] mask = new float[length];
        Arrays.fill(mask, 0, valid, 1f);
        return new PreprocessedAudio(Nd4j.create(wave, new long[] {1, length}, DataType.FLOAT),
                Nd4j.create(mask, new long[] {1, length}, DataType.FLOAT), valid);
    }

    /** Wav2Vec2's {@code (x - mean) / sqrt(var + 1e-7)} over all of {@code x}, in place (the last step of {@link #apply}). */
    public static void normalize(float[] x) {
        zeroMeanUnitVariance(x);
    }

    /** {@code (x - mean) / sqrt(var + 1e-7)} in place; statistics in double (numpy uses float32 pairwise sums). */
    static void zeroMeanUnitVariance(float[] x) {
        double sum = 0;
        for (float v : x) sum += v;
        double mean = sum / x.length, ss = 0;
        for (float v : x) ss += (v - mean) * (v - mean);
        double std = Math.sqrt(ss / x.length + EPSILON);
        for (int i = 0; i < x.length; i++) x[i] = (float) ((x[i] - mean) / std);
    }
}
