package io.denseav.data.train;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.RgbImage;
import io.denseav.data.augment.AudioAugment;
import io.denseav.data.augment.ImageAugment;
import io.denseav.data.augment.QuadMixup;
import io.denseav.data.readers.RawItem;
import io.denseav.data.readers.RawReader;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DenseAV's training data (reference §4.2, §5.4, §5.5, {@code AVDataset._base_get_item} and {@code prep_waveform}):
 * raw items from a {@link RawReader}, or from two mixed 50/50 ({@code PlacesAndAudioSet}), become
 * {@link TrainingSample}s:
 * <ul>
 *   <li>image: {@link ImageAugment} (RandomResizedCrop, flip, ColorJitter(0.2, 0.2, 0.2, 0.2), RandomGrayscale(0.1)),
 *       then with probability {@code quadMixup} a {@link QuadMixup} grid with three other items of the same dataset,
 *       each augmented too, then ImageNet normalisation; the image mask marks the positive quadrant (all ones
 *       without mixup);</li>
 *   <li>audio, in the reference's order: a 1–4 s piece of another clip of the same dataset spliced into the 16 kHz
 *       clip ({@link AudioAugment#spliceNegative}, giving the positive mask), zero padding or truncation to
 *       {@code audioSamples} (the positive mask is padded with zeros, as the reference's {@code ZeroPad2d}), the
 *       random window with probability {@code randomWindow}, then {@link AudioPreprocessor#normalize};</li>
 *   <li>an item whose audio mask mean falls below {@code minMaskMean}, or that the reader skips as bad data, is
 *       replaced by another item drawn at random (the reference returns None there).</li>
 * </ul>
 * Every random choice of item {@code i} in epoch {@code e} comes from a {@link SplittableRandom} keyed by
 * {@code (seed, e, i)}, so a sample, an epoch's order and its batches do not depend on the number of threads.
 * <pre>{@code
 * TrainingSamples data = TrainingSamples.builder(places).mixedWith(audioSet).seed(0).build();
 * try (TrainingEpoch epoch = data.epoch(0, 10)) {
 *     for (TrainingBatch b : epoch) step(b.images(), b.audio(), b.audioMask(), b.positiveMask(), b.imageMasks());
 * }
 * }</pre>
 */
public final class TrainingSamples {
    /** How many items are drawn for one position before giving up (bad data, or clips too short everywhere). */
    public static final int MAX_DRAWS = 100;
    /** How many other items are tried for a negative clip or a mixup image when some are bad. */
    static final int OTHER_DRAWS = 10;
    private static final long ITEM = 1, ORDER = 2;

    private final RawReader first;
    private final RawReader second;
    private final long seed;
    private final double quadMixup;
    private final TrainingWaveform waveform;
    private final double minMaskMean;
    private final int imageSize;
    private final int audioSamples;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int threads;
    private final ImageAugment augment;
    private final SourceSchedule sources;

    private TrainingSamples(Builder b) {
        this.first = b.first;
        this.second = b.second;
        this.seed = b.seed;
        this.quadMixup = b.quadMixup;
        this.waveform = new TrainingWaveform(b.spliceNegatives, b.spliceP, b.spliceMin, b.spliceMax, b.randomWindow,
                b.audioSamples, b.normalizeAudio);
        this.minMaskMean = b.minMaskMean;
        this.imageSize = b.imageSize;
        this.audioSamples = b.audioSamples;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.threads = b.threads;
        this.augment = ImageAugment.denseav().withSize(imageSize).withMinScale(b.minCropScale)
                .withColor(b.jitter, b.grayscale);
        this.sources = SourceSchedule.of(first, b.firstSource, b.firstEpochs, b.shareSource, b.share);
    }

    /** Training items of {@code data} with the reference's settings; see {@link Builder} for each. */
    public static Builder builder(RawReader data) {
        return new Builder(data);
    }

    /** Items per epoch: the (first) dataset's size, as in the reference's {@code PlacesAndAudioSet}. */
    public int size() {
        return first.size();
    }

    /** The image side S of {@code [3, S, S]}. */
    public int imageSize() {
        return imageSize;
    }

    /** The audio length L of {@code [L]}, in samples at 16 kHz. */
    public int audioSamples() {
        return audioSamples;
    }

    /** The items epoch {@code epoch} visits: all, or during a {@link Builder#sourceFirst curriculum} only one source's. */
    public int epochSize(int epoch) {
        return sources.epochSize(epoch, size());
    }

    /** The batches of {@code batchSize} that epoch {@code epoch} yields (without its last partial one with dropLast). */
    public int batchesIn(int epoch, int batchSize) {
        int n = epochSize(epoch);
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The epoch's item order: a permutation keyed by (seed, epoch) of the items it visits ({@link #epochSize}), or
     * them in index order without shuffling.
     */
    public int[] order(int epoch) {
        int[] order = sources.items(epoch, size());
        if (!shuffle) return order;
        SplittableRandom rnd = new SplittableRandom(key(seed, ORDER, epoch));
        for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * The batches of {@code epoch} in {@link #order(int)}, loaded ahead on background threads; the last may be smaller
     * unless the builder set {@link Builder#dropLast(boolean)}.
     */
    public TrainingEpoch epoch(int epoch, int batchSize) {
        return epoch(epoch, batchSize, 0);
    }

    /** {@link #epoch(int, int)} without its first {@code skipBatches} batches (not loaded), to resume mid-epoch. */
    public TrainingEpoch epoch(int epoch, int batchSize, int skipBatches) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size " + batchSize);
        if (skipBatches < 0) throw new IllegalArgumentException("skip " + skipBatches + " batches");
        int n = epochSize(epoch);
        int to = dropLast ? n / batchSize * batchSize : n;
        return new TrainingEpoch(this, epoch, batchSize, (int) Math.min(to, (long) skipBatches * batchSize), to, threads);
    }

    /**
     * Item {@code index} of {@code epoch}, augmented; the same for the same (seed, epoch, index) whatever thread asks.
     * A skipped or too-short item is replaced by another drawn from the same random source; under a
     * {@link Builder#sourceShare source share} the item is itself such a draw (a coin for the source, then any item).
     */
    public TrainingSample sample(int epoch, int index) {
        Objects.checkIndex(index, size());
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            SplittableRandom rnd = new SplittableRandom(key(seed, ITEM, epoch, index, draw));
            int item = draw == 0 ? index : rnd.nextInt(size());
            item = sources.draw(epoch, item, rnd);
            TrainingSample s = assemble(item, rnd);
            if (s != null) return s;
        }
        throw new IllegalStateException("no usable item in " + MAX_DRAWS + " draws for item " + index + " of epoch "
                + epoch + " (bad data or clips too short; see the readers' skip log)");
    }

    /** One draw: item {@code index} (or, mixed, an item of the second dataset), or null if skipped or filtered. */
    private TrainingSample assemble(int index, SplittableRandom rnd) {
        SplittableRandom pick = rnd.split(), read = rnd.split(), audioRnd = rnd.split(), imageRnd = rnd.split(),
                mixRnd = rnd.split();
        RawReader part = first;
        int item = index;
        if (second != null && pick.nextDouble() < 0.5) { // PlacesAndAudioSet: a random AudioSet item half the time
            part = second;
            item = pick.nextInt(second.size());
        }
        RawItem raw = part.raw(item, read);
        if (raw == null) return null;

        float[][] a = waveform.apply(raw.audio(), part, item, audioRnd); // {audio, mask, positive}
        if (!AudioAugment.keep(a[1], minMaskMean)) return null;

        RgbImage image = augment.apply(raw.image(), imageRnd);
        float[] imageMask = null;
        if (mixRnd.nextDouble() < quadMixup) {
            RgbImage[] others = otherImages(part, item, mixRnd);
            if (others != null) {
                QuadMixup grid = QuadMixup.of(image, others, mixRnd);
                image = grid.image();
                imageMask = grid.mask();
            }
        }
        if (imageMask == null) {
            imageMask = new float[imageSize * imageSize];
            Arrays.fill(imageMask, 1f);
        }
        INDArray img = ImagePreprocessor.toTensor(image).reshape(3, imageSize, imageSize);
        INDArray mask = Nd4j.create(imageMask, new long[] {1, imageSize, imageSize}, DataType.FLOAT);
        long[] shape = {audioSamples};
        return new TrainingSample(img, mask, Nd4j.create(a[0], shape, DataType.FLOAT),
                Nd4j.create(a[1], shape, DataType.FLOAT), Nd4j.create(a[2], shape, DataType.FLOAT), raw.source(),
                raw.id());
    }

    /** Three other items of {@code part}, each augmented, or null if too many were bad. */
    private RgbImage[] otherImages(RawReader part, int item, SplittableRandom rnd) {
        RgbImage[] out = new RgbImage[3];
        int got = 0;
        for (int t = 0; t < 3 + OTHER_DRAWS && got < 3; t++) {
            RawItem other = part.raw(other(part.size(), item, rnd), rnd.split());
            if (other != null) out[got++] = augment.apply(other.image(), rnd.split());
        }
        return got == 3 ? out : null;
    }

    /** A uniformly drawn index other than {@code item} (the item itself in a dataset of one). */
    static int other(int size, int item, SplittableRandom rnd) {
        if (size < 2) return item;
        int j = rnd.nextInt(size - 1);
        return j >= item ? j + 1 : j;
    }

    /** SplitMix64's finaliser chained over the parts: a well-mixed seed per (seed, kind, epoch, index, draw). */
    static long key(long seed, long... parts) {
        long h = mix64(seed);
        for (long p : parts) h = mix64(h ^ mix64(p + 0x9E3779B97F4A7C15L));
        return h;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The settings, with the reference's values as defaults: seed 0, quad-mixup 0.1, negative splice on, random window
     * 0.5, minimum mask mean 0.04, 224-pixel images, 164200 audio samples, audio normalised, order shuffled per epoch,
     * last partial batch kept, one loading thread per core.
     */
    public static final class Builder {
        private final RawReader first;
        private RawReader second;
        private long seed;
        private double quadMixup = QuadMixup.P;
        private boolean spliceNegatives = true;
        private double spliceP = 1;
        private int spliceMin = io.denseav.data.AudioPreprocessor.SAMPLE_RATE;
        private int spliceMax = 4 * io.denseav.data.AudioPreprocessor.SAMPLE_RATE;
        private double randomWindow = 0.5;
        private double minCropScale = 0.08;
        private double jitter = 0.2;
        private double grayscale = 0.1;
        private int firstSource = -1;
        private int firstEpochs;
        private int shareSource;
        private double share = -1;
        private double minMaskMean = AudioAugment.MIN_MASK_MEAN;
        private int imageSize = ImagePreprocessor.LOAD_SIZE;
        private int audioSamples = AudioPreprocessor.DENSEAV_SAMPLES;
        private boolean normalizeAudio = true;
        private boolean shuffle = true;
        private boolean dropLast;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder(RawReader first) {
            this.first = Objects.requireNonNull(first, "data");
        }

        /** Mixes in {@code other} (AudioSet): each item is a random item of it with probability 0.5 (§5.5). */
        public Builder mixedWith(RawReader other) {
            this.second = Objects.requireNonNull(other, "other");
            return this;
        }

        /** The seed of every random choice. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The probability of a 2×2 mixup grid ({@code quad_mixup}, 0.1). */
        public Builder quadMixup(double p) {
            this.quadMixup = probability(p, "quad-mixup");
            return this;
        }

        /** Whether to splice 1–4 s of another clip into each clip ({@code neg_audio}, on). */
        public Builder spliceNegatives(boolean on) {
            this.spliceNegatives = on;
            return this;
        }

        /**
         * Splice with probability {@code p} a piece of {@code minSeconds}–{@code maxSeconds} (the reference: always,
         * 1–4 s, into 10.26 s captions; shorter prompts need shorter pieces, or the piece replaces the whole prompt).
         */
        public Builder splice(double p, double minSeconds, double maxSeconds) {
            if (!(minSeconds > 0 && maxSeconds >= minSeconds)) throw new IllegalArgumentException("splice " + minSeconds + "–" + maxSeconds + " s");
            this.spliceNegatives = p > 0;
            this.spliceP = probability(p, "splice");
            this.spliceMin = (int) Math.round(minSeconds * io.denseav.data.AudioPreprocessor.SAMPLE_RATE);
            this.spliceMax = (int) Math.round(maxSeconds * io.denseav.data.AudioPreprocessor.SAMPLE_RATE);
            return this;
        }

        /** The probability of keeping only a random window of the audio ({@code extra_audio_masking}, 0.5). */
        public Builder randomWindow(double p) {
            this.randomWindow = probability(p, "random-window");
            return this;
        }

        /**
         * The smallest area fraction a random crop keeps ({@code RandomResizedCrop} scale (0.08, 1) in the reference);
         * see {@link ImageAugment#withMinScale}.
         */
        public Builder cropScale(double min) {
            ImageAugment.denseav().withMinScale(min); // validates
            this.minCropScale = min;
            return this;
        }

        /** ColorJitter's strength and RandomGrayscale's probability (the reference: 0.2 and 0.1; 0 and 0: none). */
        public Builder colorAugment(double jitter, double grayscale) {
            ImageAugment.denseav().withColor(jitter, grayscale); // validates
            this.jitter = jitter;
            this.grayscale = grayscale;
            return this;
        }

        /**
         * A curriculum (not in the reference): the first {@code epochs} epochs visit only the items of {@code source}
         * (0 = speech, 1 = sound; the reader must know each item's source), later epochs every item.
         */
        public Builder sourceFirst(int source, int epochs) {
            if (epochs < 0) throw new IllegalArgumentException("curriculum epochs " + epochs);
            this.firstSource = source(source);
            this.firstEpochs = epochs;
            return this;
        }

        /**
         * Not in the reference: after any {@link #sourceFirst} epochs, each item is one of {@code source} with
         * probability {@code p} (drawn uniformly within its source), instead of following the data's own mix.
         */
        public Builder sourceShare(int source, double p) {
            this.shareSource = source(source);
            this.share = probability(p, "source share");
            return this;
        }

        /** Items whose audio mask mean is below this are replaced (0.04). */
        public Builder minMaskMean(double m) {
            this.minMaskMean = probability(m, "minimum mask mean");
            return this;
        }

        /** The image side S (224); even, so that the mixup quadrants tile it. */
        public Builder imageSize(int s) {
            if (s <= 0 || s % 2 != 0) throw new IllegalArgumentException("image size " + s + " is not positive and even");
            this.imageSize = s;
            return this;
        }

        /** The audio length L in samples at 16 kHz (164200). */
        public Builder audioSamples(int n) {
            if (n <= 0) throw new IllegalArgumentException("audio length " + n);
            this.audioSamples = n;
            return this;
        }

        /** Whether to apply Wav2Vec2's normalisation to the audio (on; off only to inspect the raw signal). */
        public Builder normalizeAudio(boolean on) {
            this.normalizeAudio = on;
            return this;
        }

        /** Whether each epoch visits the items in a seeded random order (on) or in index order. */
        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        /** Whether an epoch leaves out a last batch smaller than the batch size (off, as the reference's loader). */
        public Builder dropLast(boolean on) {
            this.dropLast = on;
            return this;
        }

        /** Background loading threads (one per core). */
        public Builder threads(int n) {
            if (n <= 0) throw new IllegalArgumentException("threads " + n);
            this.threads = n;
            return this;
        }

        public TrainingSamples build() {
            if (first.size() == 0) throw new IllegalArgumentException("the dataset is empty");
            if (second != null && second.size() == 0) throw new IllegalArgumentException("the second dataset is empty");
            return new TrainingSamples(this);
        }

        private static int source(int s) {
            if (s != 0 && s != 1) throw new IllegalArgumentException("source " + s + " is not 0 or 1");
            return s;
        }

        private static double probability(double p, String what) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + " " + p + " is not in [0, 1]");
            return p;
        }
    }
}
