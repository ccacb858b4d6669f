package io.denseav.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Resampler} against {@code torchaudio.functional.resample} (torchaudio 0.13, float32). */
class ResamplerTest {
    static Stream<Arguments> cases() {
        return Goldens.cases("resample", "input");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchaudio(String name, JsonNode e) {
        Audio in = AudioLoader.load(Goldens.path(e.get("input").asText()));
        assertEquals(e.get("orig_freq").asInt(), in.sampleRate());
        Resampler r = Resampler.of(in.sampleRate(), e.get("new_freq").asInt());
        float[] out = r.apply(in.samples());
        assertEquals(e.get("length").asInt(), out.length);
        assertEquals(out.length, r.outputLength(in.samples().length));
        if (e.get("identity").asBoolean()) {
            assertArrayEquals(in.samples(), out);
            assertNotSame(in.samples(), out);
            return;
        }
        float[] want = Goldens.npy(e.get("golden").asText());
        double d = Goldens.maxAbsDiff(want, out), bound = 1e-5 * Goldens.maxAbs(want);
        System.out.printf("resample %d -> %d: max |diff| %.3g (%.3g of max |ref|)%n", in.sampleRate(),
                e.get("new_freq").asInt(), d, d / Goldens.maxAbs(want));
        assertTrue(d <= bound, "max |diff| " + d + " > " + bound);
    }

    static Stream<Arguments> kernels() {
        return Goldens.cases("resample_kernels", "golden");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void kernelMatchesGetSincResampleKernel(String name, JsonNode e) {
        Resampler r = Resampler.of(e.get("orig_freq").asInt(), e.get("new_freq").asInt());
        assertEquals(e.get("width").asInt(), r.width());
        int phases = e.get("shape").get(0).asInt(), taps = e.get("shape").get(2).asInt();
        assertEquals(taps, r.taps());
        float[] want = Goldens.npy(e.get("golden").asText());
        float[] got = new float[phases * taps];
        for (int p = 0; p < phases; p++) System.arraycopy(r.filter(p), 0, got, p * taps, taps);
        double d = Goldens.maxAbsDiff(want, got);
        System.out.printf("kernel %s: max |diff| %.3g%n", e.get("golden").asText(), d);
        assertTrue(d <= 2e-7, "max |diff| " + d);
    }

    @Test
    void outputLengthIsCeilOfReducedRatio() {
        Resampler r = Resampler.of(44100, 16000); // 441 -> 160
        assertEquals(0, r.outputLength(0));
        assertEquals(1, r.outputLength(1));
        assertEquals(160, r.outputLength(441));
        assertEquals(161, r.outputLength(442));
        assertEquals(59_574, Resampler.of(44100, 16000).outputLength(164_200)); // ceil(26272000 / 441)
        assertEquals(0, Resampler.resample(new float[0], 48000, 16000).length);
    }

    @Test
    void coprimeRatesComputeFiltersOnTheFly() {
        Resampler r = Resampler.of(44101, 16000); // gcd 1: 16000 filters of 44,121 taps are not cached
        assertTrue((long) 16000 * r.taps() > Resampler.MAX_CACHED_TAPS);
        float[] x = new float[44101];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(2 * Math.PI * 440 * i / 44101.0);
        float[] y = r.apply(x);
        assertEquals(16000, y.length);
        for (int j = 1000; j < 15000; j += 997) {
            assertEquals(Math.sin(2 * Math.PI * 440 * j / 16000.0), y[j], 2e-3, "sample " + j);
        }
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThrows(IllegalArgumentException.class, () -> Resampler.of(0, 16000));
        assertThrows(IllegalArgumentException.class, () -> Resampler.of(16000, -1));
    }
}
