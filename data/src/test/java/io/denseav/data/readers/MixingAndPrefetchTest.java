package io.denseav.data.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** 50/50 mixing with source labels kept, and order-preserving prefetch independent of the thread count. */
class MixingAndPrefetchTest {
    static DatasetReader fake(int n, int source) {
        return new DatasetReader() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Sample get(int i) {
                return new Sample(Nd4j.zeros(1), Nd4j.zeros(1), Nd4j.zeros(1), source, null, null, source + ":" + i);
            }
        };
    }

    @Test
    void mixesHalfAndHalfDeterministically() {
        MixedReader m = new MixedReader(fake(2000, Sample.SPEECH), fake(50, Sample.SOUND), 3);
        int sound = 0;
        for (int i = 0; i < m.size(); i++) {
            Sample s = m.get(i);
            sound += s.source();
            assertEquals(s.id(), m.get(i).id(), "deterministic");
            if (s.source() == Sample.SPEECH) assertEquals("0:" + i, s.id(), "the first dataset keeps its index");
        }
        assertTrue(Math.abs(sound - 1000) < 100, "about half from the second dataset: " + sound);
    }

    @Test
    void prefetchKeepsOrderForAnyThreadCount() {
        List<Integer> order = IntStream.range(0, 50).map(i -> (i * 7) % 50).boxed().toList();
        List<List<Integer>> runs = new ArrayList<>();
        for (int threads : new int[] {1, 2, 4}) {
            List<Integer> got = new ArrayList<>();
            try (Prefetcher<Integer> p = new Prefetcher<>(order, i -> i * i, threads, 8)) {
                while (p.hasNext()) got.add(p.next());
            }
            runs.add(got);
        }
        assertEquals(order.stream().map(i -> i * i).toList(), runs.get(0));
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(runs.get(0), runs.get(2));
    }
}
