package io.denseav.data.readers;

import java.util.SplittableRandom;

/**
 * The reference's mixed dataset (denseav-reference.md §5.5, PlacesAndAudioSet): item i is, with probability 0.5,
 * a random item of the second reader (AudioSet, source 1), else item i of the first (Places, source 0). The epoch
 * length is the first reader's; each sample keeps its reader's source label. Deterministic for a seed.
 */
public final class MixedReader implements DatasetReader {
    private final DatasetReader first;
    private final DatasetReader second;
    private final long seed;

    public MixedReader(DatasetReader first, DatasetReader second, long seed) {
        if (second.size() == 0) throw new IllegalArgumentException("the second dataset is empty");
        this.first = first;
        this.second = second;
        this.seed = seed;
    }

    @Override
    public int size() {
        return first.size();
    }

    @Override
    public Sample get(int i) {
        SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
        return rnd.nextDouble() < 0.5 ? second.get(rnd.nextInt(second.size())) : first.get(i);
    }
}
