package io.denseav.training.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The sampled rows of the non-negativity and silence terms (spec §4.2): seeded, in range, and with their rules. */
class LossSamplingTest {
    private static final LossDims DIMS = new LossDims(4, 2, 8, 3, 5, 7);

    @Test
    void nonNegativityPairsShareTheBatchIndexAndCoverEveryPosition() {
        LossSampling.Pairs p = new LossSampling(11).nonNegativity(DIMS);
        assertEquals(LossSampling.SAMPLES, p.audioRows().length);
        assertEquals(LossSampling.SAMPLES, p.imageRows().length);
        boolean[] batches = new boolean[DIMS.batch()];
        boolean[] frames = new boolean[DIMS.t()];
        boolean[] locations = new boolean[DIMS.hw()];
        for (int i = 0; i < LossSampling.SAMPLES; i++) {
            int a = p.audioRows()[i];
            int v = p.imageRows()[i];
            assertTrue(a >= 0 && a < DIMS.batch() * DIMS.t() && v >= 0 && v < DIMS.batch() * DIMS.hw(), "in range");
            assertEquals(a / DIMS.t(), v / DIMS.hw(), "same b for the audio and the image sample " + i);
            batches[a / DIMS.t()] = frames[a % DIMS.t()] = locations[v % DIMS.hw()] = true;
        }
        for (boolean[] seen : new boolean[][] {batches, frames, locations}) {
            for (boolean s : seen) assertTrue(s, "250 uniform draws reach every index");
        }
    }

    @Test
    void sameSeedSameSamplesOtherSeedOthers() {
        LossSampling.Pairs a = new LossSampling(5).nonNegativity(DIMS);
        LossSampling.Pairs b = new LossSampling(5).nonNegativity(DIMS);
        assertArrayEquals(a.audioRows(), b.audioRows());
        assertArrayEquals(a.imageRows(), b.imageRows());
        assertFalse(Arrays.equals(a.audioRows(), new LossSampling(6).nonNegativity(DIMS).audioRows()));
    }

    @Test
    void silenceTakesDistinctMaskedOutFramesOnlyWhenThereAreEnough() {
        float[][] mask = new float[3][100];
        int[] valid = {5, 15, 20};                       // 95 + 85 + 80 = 260 masked-out frames
        for (int b = 0; b < 3; b++) Arrays.fill(mask[b], 0, valid[b], 1f);
        int[] rows = new LossSampling(3).silence(mask);
        assertNotNull(rows);
        assertEquals(LossSampling.SAMPLES, rows.length);
        assertEquals(rows.length, Arrays.stream(rows).distinct().count(), "without replacement");
        for (int r : rows) assertEquals(0f, mask[r / 100][r % 100], "row " + r + " is masked out");
        assertArrayEquals(rows, new LossSampling(3).silence(mask), "seeded");

        valid[2] = 31;                                    // 249 masked-out frames: the term is off
        Arrays.fill(mask[2], 0, valid[2], 1f);
        assertNull(new LossSampling(3).silence(mask));
        int[] all = new LossSampling(3, 249).silence(mask);
        assertEquals(249, Arrays.stream(all).distinct().count(), "exactly N masked-out frames: all of them");
    }
}
