package io.denseav.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small RIFF/WAVE reader for the formats torchaudio decodes itself: integer PCM (unsigned 8-bit, signed 16,
 * 24 and 32-bit) and IEEE float (32 and 64-bit), plain or {@code WAVE_FORMAT_EXTENSIBLE}, any rate and channel
 * count. Chunks other than {@code fmt } and {@code data} are skipped (with RIFF's pad byte after odd sizes).
 * A {@code data} size larger than the file (streaming writers) is clamped to the bytes present, with a warning.
 * Other codecs inside WAV (ADPCM, A-law, mu-law, ...) are left to FFmpeg.
 */
final class WavDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(WavDecoder.class);
    private static final int PCM = 1, FLOAT = 3, EXTENSIBLE = 0xFFFE;

    private WavDecoder() {
    }

    /** Whether the file starts with {@code RIFF....WAVE}. */
    static boolean isRiffWave(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(12);
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // read until 12 bytes or end of file
            }
            return head.position() == 12 && tag(head, 0).equals("RIFF") && tag(head, 8).equals("WAVE");
        } catch (IOException e) {
            throw new DataException(file, "cannot read file: " + InputFiles.message(e), e);
        }
    }

    /** The first channel of a PCM or float WAV; null when the WAV holds another codec. */
    static Audio decode(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size(), pos = 12;
            Format fmt = null;
            while (pos + 8 <= size) {
                ByteBuffer head = read(ch, pos, 8);
                String id = tag(head, 0);
                long len = head.getInt(4) & 0xFFFFFFFFL;
                pos += 8;
                if (id.equals("fmt ")) {
                    if (len < 16 || pos + len > size) throw new DataException(file, "corrupt WAV: fmt chunk truncated");
                    fmt = Format.parse(file, read(ch, pos, (int) Math.min(len, 64)));
                    if (fmt == null) return null;
                } else if (id.equals("data")) {
                    if (fmt == null) throw new DataException(file, "corrupt WAV: data chunk before fmt chunk");
                    if (len > size - pos) {
                        if (len != 0xFFFFFFFFL) LOG.warn("{}: WAV data chunk claims {} bytes, {} present", file, len, size - pos);
                        len = size - pos;
                    }
                    long frames = len / fmt.blockAlign;
                    if (frames == 0) throw new DataException(file, "no audio samples (empty WAV data chunk)");
                    if (frames > Integer.MAX_VALUE - 8) throw new DataException(file, "WAV too long: " + frames + " frames");
                    return new Audio(firstChannel(ch, pos, (int) frames, fmt), fmt.rate, fmt.channels);
                }
                pos += len + (len & 1);
            }
            throw new DataException(file, fmt == null ? "corrupt WAV: no fmt chunk" : "corrupt WAV: no data chunk");
        } catch (IOException e) {
            throw new DataException(file, "cannot read WAV: " + InputFiles.message(e), e);
        }
    }

    /** Channel 0 of each frame, scaled like torchaudio: int PCM by 1/2^(bits-1), u8 as (v-128)/128, float as is. */
    private static float[] firstChannel(FileChannel ch, long pos, int frames, Format fmt) throws IOException {
        float[] out = new float[frames];
        int chunkFrames = Math.max(1, (1 << 20) / fmt.blockAlign);
        for (int f0 = 0; f0 < frames; f0 += chunkFrames) {
            int n = Math.min(chunkFrames, frames - f0);
            ByteBuffer b = read(ch, pos + (long) f0 * fmt.blockAlign, n * fmt.blockAlign);
            for (int i = 0; i < n; i++) {
                int o = i * fmt.blockAlign;
                out[f0 + i] = switch (fmt.encoding) {
                    case 8 -> ((b.get(o) & 0xFF) - 128) / 128f;
                    case 16 -> b.getShort(o) / 32768f;
                    case 24 -> ((b.get(o) & 0xFF) | (b.get(o + 1) & 0xFF) << 8 | b.get(o + 2) << 16) / 8388608f;
                    case 32 -> (float) (b.getInt(o) / 2147483648.0);
                    case -32 -> b.getFloat(o);
                    default -> (float) b.getDouble(o); // -64
                };
            }
        }
        return out;
    }

    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) throw new IOException("unexpected end of file");
        }
        return b.flip();
    }

    private static String tag(ByteBuffer b, int at) {
        byte[] t = new byte[4];
        b.get(at, t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    /** The fmt chunk: encoding is the integer bit depth, or minus the float bit depth. */
    private record Format(int encoding, int channels, int rate, int blockAlign) {
        static Format parse(Path file, ByteBuffer b) {
            int tag = b.getShort(0) & 0xFFFF, channels = b.getShort(2) & 0xFFFF, rate = b.getInt(4);
            int blockAlign = b.getShort(12) & 0xFFFF, bits = b.getShort(14) & 0xFFFF;
            if (tag == EXTENSIBLE && b.limit() >= 26) tag = b.getShort(24) & 0xFFFF; // first 2 bytes of the GUID
            if (tag != PCM && tag != FLOAT) return null;
            if (channels == 0 || rate <= 0) {
                throw new DataException(file, "corrupt WAV: " + channels + " channels at " + rate + " Hz");
            }
            boolean ok = tag == PCM ? bits == 8 || bits == 16 || bits == 24 || bits == 32 : bits == 32 || bits == 64;
            if (!ok) {
                throw new DataException(file, "unsupported WAV sample format: " + bits + "-bit "
                        + (tag == PCM ? "PCM" : "float"));
            }
            if (blockAlign < channels * (bits / 8)) {
                throw new DataException(file, "corrupt WAV: block align " + blockAlign + " for " + channels
                        + " x " + bits + "-bit");
            }
            return new Format(tag == PCM ? bits : -bits, channels, rate, blockAlign);
        }
    }
}
