package io.denseav.data;

/**
 * {@code torchaudio.functional.resample(waveform, orig, new)} of torchaudio 0.13 with its defaults
 * ({@code lowpass_filter_width=6}, {@code rolloff=0.99}, {@code resampling_method="sinc_interpolation"}, the Hann
 * window that torchaudio 2.x calls {@code "sinc_interp_hann"}), as DenseAV applies it to float32 audio:
 * <ul>
 *   <li>both rates are divided by their gcd; equal rates return the input unchanged;</li>
 *   <li>{@code _get_sinc_resample_kernel}: one filter per output phase,
 *       {@code t = (-phase/new + i/orig) * base}, {@code base = min(orig, new) * rolloff}, clamped to
 *       [-6, 6], kernel {@code sinc(pi t) * cos(pi t / 12)^2 * base / orig}, taps {@code i} from {@code -width} to
 *       {@code width + orig - 1}, {@code width = ceil(6 * orig / base)}. torchaudio computes it in the waveform's
 *       dtype, so it is computed here in float32 with the same operation order (only {@code sin}/{@code cos} are
 *       rounded from double instead of SLEEF's float versions: about 1 ulp on a few taps);</li>
 *   <li>{@code _apply_sinc_resample_kernel}: zero-pad {@code width} before and {@code width + orig} after, a strided
 *       convolution (stride {@code orig}; accumulated here in double), interleave the phases, keep
 *       {@code ceil(new * length / orig)} samples.</li>
 * </ul>
 * Kernels are kept when they are small (at most {@value #MAX_CACHED_TAPS} taps); otherwise (rates with a tiny gcd,
 * such as 44101 Hz) each phase's filter is recomputed once per call instead of materialising a huge table.
 */
public final class Resampler {
    static final int LOWPASS_FILTER_WIDTH = 6;
    static final double ROLLOFF = 0.99;
    static final int MAX_CACHED_TAPS = 1 << 22;
    private static final float PI = (float) Math.PI;

    private final int inputRate;
    private final int outputRate;
    private final int orig;
    private final int next;
    private final int width;
    private final float baseF;
    private final float scaleF;
    private final float[][] kernel;

    private Resampler(int inputRate, int outputRate) {
        if (inputRate <= 0 || outputRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + inputRate + " -> " + outputRate);
        }
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        int g = gcd(inputRate, outputRate);
        this.orig = inputRate / g;
        this.next = outputRate / g;
        double base = Math.min(orig, next) * ROLLOFF;
        this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / base);
        this.baseF = (float) base;
        this.scaleF = (float) (base / orig);
        boolean small = (long) next * taps() <= MAX_CACHED_TAPS;
        this.kernel = inputRate == outputRate || !small ? null : new float[next][];
        if (kernel != null) {
            for (int p = 0; p < next; p++) kernel[p] = filter(p);
        }
    }

    /** A resampler from {@code inputRate} to {@code outputRate} Hz (reusable, like {@code transforms.Resample}). */
    public static Resampler of(int inputRate, int outputRate) {
        return new Resampler(inputRate, outputRate);
    }

    /** One-off {@code torchaudio.functional.resample(x, inputRate, outputRate)}. */
    public static float[] resample(float[] x, int inputRate, int outputRate) {
        return of(inputRate, outputRate).apply(x);
    }

    /** {@code ceil(new * length / orig)} with the gcd-reduced rates: the number of samples {@link #apply} returns. */
    public int outputLength(int inputLength) {
        if (inputRate == outputRate) return inputLength;
        return (int) Math.ceil((double) ((long) next * inputLength) / orig);
    }

    /** The resampled signal (a copy of {@code x} when the rates are equal). */
    public float[] apply(float[] x) {
        if (inputRate == outputRate) return x.clone();
        int n = x.length, outLen = outputLength(n), k = taps();
        float[] out = new float[outLen];
        for (int p = 0; p < next && p < outLen; p++) {
            float[] h = kernel != null ? kernel[p] : filter(p);
            for (int f = 0, j = p; j < outLen; f++, j += next) {
                int start = f * orig - width; // input index under tap 0 (the padding is implicit)
                int k0 = Math.max(0, -start), k1 = Math.min(k, n - start);
                double acc = 0.0;
                for (int i = k0; i < k1; i++) acc += (double) x[start + i] * h[i];
                out[j] = (float) acc;
            }
        }
        return out;
    }

    /** The float32 filter of output phase {@code p}: {@code kernels[p, 0, :]} of torchaudio (for tests). */
    float[] filter(int p) {
        float[] h = new float[taps()];
        float phase = (float) -p / (float) next, lw = LOWPASS_FILTER_WIDTH;
        float low = tap(-lw), high = tap(lw); // every tap clamped to -6 (or 6) has the same value
        for (int i = 0; i < h.length; i++) {
            float t = (phase + (float) (i - width) / (float) orig) * baseF;
            h[i] = t <= -lw ? low : t >= lw ? high : tap(t);
        }
        return h;
    }

    /** {@code sinc(pi t) * cos(pi t / 6 / 2)^2 * scale} in torchaudio's float32 operation order, t already clamped. */
    private float tap(float t) {
        float c = (float) Math.cos(t * PI / LOWPASS_FILTER_WIDTH / 2f);
        float window = c * c;
        float x = t * PI;
        float sinc = x == 0f ? 1f : (float) Math.sin(x) / x;
        return sinc * (window * scaleF);
    }

    /** Taps per phase: {@code 2 * width + orig}. */
    int taps() {
        return 2 * width + orig;
    }

    /** The filter half-width in input samples (torchaudio's {@code width}). */
    int width() {
        return width;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
