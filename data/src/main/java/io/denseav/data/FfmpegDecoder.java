package io.denseav.data;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Every audio format other than PCM/float WAV (Ogg Vorbis/Opus, MP3, FLAC, AAC/M4A and the audio track of
 * MP4/MKV/WebM videos) through JavaCV's {@link FFmpegFrameGrabber} (JavaCV 1.5.7, FFmpeg 5.0). Samples are taken
 * in the decoder's own format ({@code SampleMode.RAW}, no swresample) and scaled like FFmpeg's s16/s32/u8 to
 * float conversion, which is also what torchaudio's FFmpeg path returns. Only the first channel is kept and the
 * native sample rate is reported; resampling is {@link Resampler}'s job.
 */
final class FfmpegDecoder {
    private static final Pattern ERROR_CODE = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");
    static {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET); // failures are reported as DataException, not on stderr
    }

    private FfmpegDecoder() {
    }

    static Audio decode(Path file) {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toAbsolutePath().toFile());
        grabber.setSampleMode(FrameGrabber.SampleMode.RAW);
        // JavaCV 1.5.7 never drains the audio decoder at end of stream, so a frame-threaded decoder (FLAC) would
        // keep its last frames (all of them, for a short file): decode on one thread.
        grabber.setAudioOption("threads", "1");
        try {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw new DataException(file, "cannot decode audio: not a media file FFmpeg can read ("
                        + ffmpegError(e) + ")", e);
            }
            if (!grabber.hasAudio() || grabber.getAudioChannels() <= 0) throw new DataException(file, "no audio stream");
            int rate = grabber.getSampleRate(), channels = grabber.getAudioChannels();
            FloatList out = new FloatList();
            for (Frame f; (f = grabber.grabSamples()) != null; ) {
                if (f.samples != null && f.samples.length > 0) {
                    out.addFirstChannel(f.samples[0], f.samples.length == 1 ? f.audioChannels : 1);
                }
            }
            if (out.size == 0) throw new DataException(file, "cannot decode audio: no samples decoded");
            return new Audio(out.toArray(), rate, channels);
        } catch (FrameGrabber.Exception e) {
            throw new DataException(file, "cannot decode audio: " + ffmpegError(e), e);
        } finally {
            try {
                grabber.release();
            } catch (FrameGrabber.Exception ignored) {
                // nothing left to report: the result (or the first error) is what counts
            }
        }
    }

    /** FFmpeg's own text for the error code in a JavaCV message ("avformat_open_input() error -22: ..."). */
    static String ffmpegError(Exception e) {
        Matcher m = ERROR_CODE.matcher(InputFiles.message(e));
        if (!m.find()) return DataException.oneLine(InputFiles.message(e));
        try (BytePointer text = new BytePointer(256)) {
            int code = Integer.parseInt(m.group(2));
            String msg = avutil.av_strerror(code, text, 256) == 0 ? text.getString() : "error " + code;
            return m.group(1) + ": " + (msg.indexOf(0) >= 0 ? msg.substring(0, msg.indexOf(0)) : msg); // C string
        }
    }

    /** A growable float array. */
    private static final class FloatList {
        float[] data = new float[1 << 16];
        int size;

        /** Appends samples 0, stride, 2*stride, ... of a decoder plane (interleaved: stride = channels). */
        void addFirstChannel(Buffer plane, int stride) {
            int n = (plane.limit() + stride - 1) / stride;
            if (size + n > data.length) data = Arrays.copyOf(data, Math.max(size + n, data.length * 2));
            for (int i = 0, j = 0; i < n; i++, j += stride) data[size + i] = sample(plane, j);
            size += n;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }

        private static float sample(Buffer b, int i) {
            if (b instanceof FloatBuffer f) return f.get(i);
            if (b instanceof ShortBuffer s) return s.get(i) / 32768f;
            if (b instanceof IntBuffer n) return (float) (n.get(i) / 2147483648.0);
            if (b instanceof DoubleBuffer d) return (float) d.get(i);
            if (b instanceof ByteBuffer u) return ((u.get(i) & 0xFF) - 128) / 128f;
            throw new IllegalStateException("unexpected sample buffer " + b.getClass().getName());
        }
    }
}
