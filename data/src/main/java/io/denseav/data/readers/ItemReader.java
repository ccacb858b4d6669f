package io.denseav.data.readers;

import io.denseav.data.Audio;
import io.denseav.data.AudioLoader;
import io.denseav.data.AudioPreprocessor;
import io.denseav.data.DataException;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.data.Resampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shared part of the readers: a fixed list of rows, and {@link #get(int)} that loads one and turns a
 * {@link DataException} into a counted skip (or rethrows it in strict mode). Images go through
 * {@link ImagePreprocessor#evaluation()} and audio through {@link AudioPreprocessor#denseav()} (reference §5.4).
 * {@link #raw(int, SplittableRandom)} gives the same item decoded but not preprocessed, for training.
 *
 * @param <T> a row: whatever a reader needs to load one item
 */
abstract class ItemReader<T> implements DatasetReader, RawReader {
    static final ImagePreprocessor IMAGES = ImagePreprocessor.evaluation();
    static final AudioPreprocessor AUDIO = AudioPreprocessor.denseav();

    protected final ReaderOptions options;
    private List<T> rows = List.of();

    ItemReader(ReaderOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Sets the usable rows; called once by the subclass constructor. */
    final void setRows(List<T> usable) {
        this.rows = List.copyOf(usable);
    }

    /** The rows, for subclasses and tests. */
    final List<T> rows() {
        return rows;
    }

    @Override
    public final int size() {
        return rows.size();
    }

    @Override
    public final Sample get(int i) {
        T row = rows.get(Objects.checkIndex(i, rows.size()));
        return orSkip(() -> load(i, row));
    }

    @Override
    public final RawItem raw(int i, SplittableRandom rnd) {
        T row = rows.get(Objects.checkIndex(i, rows.size()));
        return orSkip(() -> loadRaw(row, rnd));
    }

    /** {@code load.get()}, or null with the {@link DataException} counted as a skip (rethrown in strict mode). */
    private <R> R orSkip(Supplier<R> load) {
        try {
            return load.get();
        } catch (DataException e) {
            if (options.strict()) throw e;
            String reason = e.problem().startsWith(SkipLog.SIZE_MISMATCH) ? SkipLog.SIZE_MISMATCH : SkipLog.UNREADABLE;
            options.skipLog().record(reason, e.file() == null ? null : Path.of(e.file()), e.problem());
            return null;
        }
    }

    /** Loads row {@code row} (item {@code index}); may throw {@link DataException}. */
    abstract Sample load(int index, T row);

    /** Decodes row {@code row} unpreprocessed, drawing any choice from {@code rnd}; may throw {@link DataException}. */
    abstract RawItem loadRaw(T row, SplittableRandom rnd);

    /** {@code [3, 224, 224]}. */
    static INDArray image(Path file) {
        return IMAGES.apply(file).reshape(3, ImagePreprocessor.LOAD_SIZE, ImagePreprocessor.LOAD_SIZE);
    }

    /** {@code {audio [164200], mask [164200]}}. */
    static INDArray[] audio(Path file) {
        PreprocessedAudio a = AUDIO.apply(file);
        return new INDArray[] {a.audio().reshape(a.length()), a.mask().reshape(a.length())};
    }

    /** The first channel of {@code file} resampled to 16 kHz, not padded or normalised. */
    static float[] rawAudio(Path file) {
        Audio a = AudioLoader.load(file);
        if (a.samples().length == 0) throw new DataException(file, "no audio samples");
        return Resampler.resample(a.samples(), a.sampleRate(), AudioPreprocessor.SAMPLE_RATE);
    }

    /** {@code base/relative} if it is a file; else rejected as a missing file (counted or thrown) and null. */
    final Path existing(Path base, String relative, String where) {
        Path p = base.resolve(relative).normalize();
        if (Files.isRegularFile(p)) return p;
        options.reject(SkipLog.MISSING_FILE, p, "no such file (" + where + ")");
        return null;
    }

    /** A missing required field: rejected (counted or thrown); returns true if {@code value} is missing. */
    final boolean missing(String value, String field, Path file, String where) {
        if (value != null) return false;
        options.reject(SkipLog.MISSING_FIELD, file, "no '" + field + "' (" + where + ")");
        return true;
    }
}
