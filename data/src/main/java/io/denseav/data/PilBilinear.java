package io.denseav.data;

/**
 * PIL's {@code Image.resize(size, Image.BILINEAR)} on 8-bit RGB, bit for bit: a port of Pillow's
 * {@code libImaging/Resample.c} ({@code precompute_coeffs}, {@code normalize_coeffs_8bpc},
 * {@code ImagingResampleHorizontal_8bpc} / {@code Vertical_8bpc}, {@code ImagingResampleInner}).
 * <ul>
 *   <li>separable triangle filter {@code 1 - |x|} whose support is stretched by the downscale factor, so
 *       downscaling is antialiased (it averages over the whole footprint);</li>
 *   <li>weights normalised in double, then rounded to fixed point with 22 fractional bits
 *       ({@code PRECISION_BITS = 32 - 8 - 2});</li>
 *   <li>the horizontal pass runs first and is rounded to 8 bits before the vertical pass; a pass whose size does
 *       not change is skipped.</li>
 * </ul>
 * This is what {@code torchvision.transforms.Resize} does to a PIL image (DenseAV's dataset path).
 */
public final class PilBilinear {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilBilinear() {
    }

    /** The picture resampled to {@code width x height}. */
    public static RgbImage resize(RgbImage in, int width, int height) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("bad size " + width + "x" + height);
        byte[] px = in.rgb();
        int w = in.width();
        if (width != w) {
            px = horizontal(px, w, in.height(), Coefficients.of(w, width), width);
            w = width;
        }
        if (height != in.height()) px = vertical(px, w, Coefficients.of(in.height(), height), height);
        return px == in.rgb() ? in : new RgbImage(width, height, px);
    }

    /** Fixed-point filter taps: output i reads {@code count[i]} inputs from {@code first[i]} with weights {@code k[i*ksize..]}. */
    private record Coefficients(int ksize, int[] first, int[] count, int[] k) {
        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize; // box = (0, 0, in, out): (in1 - in0) / outSize
            double filterscale = Math.max(scale, 1.0);
            double support = 1.0 * filterscale; // BILINEAR support 1.0, stretched when downscaling
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize], count = new int[outSize], k = new int[outSize * ksize];
            double[] w = new double[ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterscale;
                int xmin = Math.max(0, (int) (center - support + 0.5));
                int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    w[x] = triangle((x + xmin - center + 0.5) * ss);
                    ww += w[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double v = ww != 0.0 ? w[x] / ww : w[x];
                    k[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                            : (int) (0.5 + v * (1 << PRECISION_BITS));
                }
                first[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(ksize, first, count, k);
        }

        private static double triangle(double x) {
            x = Math.abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    }

    private static byte[] horizontal(byte[] in, int w, int h, Coefficients c, int outW) {
        byte[] out = new byte[outW * h * 3];
        for (int y = 0; y < h; y++) {
            int row = y * w * 3;
            for (int xx = 0; xx < outW; xx++) {
                int kOff = xx * c.ksize, src = row + c.first[xx] * 3;
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                for (int x = 0; x < c.count[xx]; x++, src += 3) {
                    int kx = c.k[kOff + x];
                    s0 += (in[src] & 0xFF) * kx;
                    s1 += (in[src + 1] & 0xFF) * kx;
                    s2 += (in[src + 2] & 0xFF) * kx;
                }
                int o = (y * outW + xx) * 3;
                out[o] = clip8(s0);
                out[o + 1] = clip8(s1);
                out[o + 2] = clip8(s2);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int w, Coefficients c, int outH) {
        byte[] out = new byte[w * outH * 3];
        int stride = w * 3;
        for (int yy = 0; yy < outH; yy++) {
            int kOff = yy * c.ksize, top = c.first[yy] * stride;
            for (int i = 0; i < stride; i++) {
                int s = 1 << (PRECISION_BITS - 1);
                for (int y = 0, src = top + i; y < c.count[yy]; y++, src += stride) {
                    s += (in[src] & 0xFF) * c.k[kOff + y];
                }
                out[yy * stride + i] = clip8(s);
            }
        }
        return out;
    }

    private static byte clip8(int s) {
        int v = s >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
