package io.denseav.evaluation.viz;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Writes frames as an MP4 video with an optional mono audio track, DenseAV's {@code write_video_with_audio}
 * (plotting.py: libx264, crf 23, yuv420p, with the 16 kHz audio muxed in) through JavaCV's
 * {@link FFmpegFrameRecorder}. The video encoder is the first available of
 * <ul>
 *   <li>{@code libx264} with crf 23 (the reference's; only in FFmpeg builds with GPL parts, which the JavaCV 1.5.7
 *       {@code linux-x86_64} FFmpeg jar is not),</li>
 *   <li>{@code libopenh264} (H.264 as well, so the file plays in browsers; no crf, so a bitrate of about 0.25 bits
 *       per pixel, at least 1 Mb/s),</li>
 *   <li>{@code mpeg4} (MPEG-4 part 2, fixed quantiser 3);</li>
 * </ul>
 * {@link #videoCodec()} says which. Audio is AAC at the given rate (16 kHz in the reference; moviepy re-encoded it
 * at 44.1 kHz, which this does not), cut to the video's duration. The file is written to a temporary file beside
 * {@code out} and renamed, so a failed write leaves no partial MP4; failures are a
 * {@link io.denseav.data.DataException} naming {@code out}.
 */
public final class VideoWriter {
    /** The reference's audio rate, DenseAV's 16 kHz. */
    public static final int AUDIO_RATE = 16_000;
    private static final String CODEC = pickCodec();

    private VideoWriter() {
    }

    /** The video encoder this build uses: "libx264", "libopenh264" or "mpeg4". */
    public static String videoCodec() {
        return CODEC;
    }

    /** {@link #write(Path, Iterator, double, float[], int)} of a list, audio (or null) at 16 kHz. */
    public static void write(Path out, List<BufferedImage> frames, double fps, float[] audio16k) {
        write(out, frames.iterator(), fps, audio16k, AUDIO_RATE);
    }

    /** {@link #write(Path, Iterator, double, float[], int)} with audio (or null) at 16 kHz. */
    public static void write(Path out, Iterator<BufferedImage> frames, double fps, float[] audio16k) {
        write(out, frames, fps, audio16k, AUDIO_RATE);
    }

    /**
     * Encodes {@code frames} (all of one even width and height, as yuv420p needs) at {@code fps}, with the mono
     * {@code audio} at {@code sampleRate} muxed in (null: no audio track).
     */
    public static void write(Path out, Iterator<BufferedImage> frames, double fps, float[] audio, int sampleRate) {
        Objects.requireNonNull(frames, "frames");
        if (!(fps > 0) || Double.isInfinite(fps)) throw new IllegalArgumentException("frame rate " + fps);
        if (audio != null && sampleRate <= 0) throw new IllegalArgumentException("sample rate " + sampleRate);
        if (!frames.hasNext()) throw new IllegalArgumentException("no frames to write");
        BufferedImage first = frames.next();
        int w = first.getWidth(), h = first.getHeight();
        if (w % 2 != 0 || h % 2 != 0) {
            throw new IllegalArgumentException("frame size " + w + "x" + h + ": yuv420p needs an even width and height");
        }
        AtomicFiles.write(out, "MP4", tmp -> encode(tmp, first, frames, fps, audio, sampleRate));
    }

    private static void encode(Path tmp, BufferedImage first, Iterator<BufferedImage> rest, double fps, float[] audio,
                               int rate) throws Exception {
        int w = first.getWidth(), h = first.getHeight();
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(tmp.toFile(), w, h, audio == null ? 0 : 1);
        try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
            rec.setFormat("mp4");
            rec.setFrameRate(fps);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            configureVideo(rec, w, h, fps);
            if (audio != null) {
                rec.setSampleRate(rate);
                rec.setAudioChannels(1);
                rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
                rec.setAudioBitrate(96_000);
            }
            rec.start();
            long written = 0;
            int n = 0;
            for (BufferedImage img = first; img != null; img = rest.hasNext() ? rest.next() : null) {
                if (img.getWidth() != w || img.getHeight() != h) {
                    throw new IllegalArgumentException("frame " + n + " is " + img.getWidth() + "x" + img.getHeight()
                            + ", frame 0 " + w + "x" + h);
                }
                rec.record(converter.convert(bgr(img)));
                n++;
                if (audio != null) { // interleave: the audio up to the end of this frame
                    long upTo = Math.min(audio.length, (long) Math.floor(n * (double) rate / fps));
                    if (upTo > written) {
                        rec.recordSamples(rate, 1, FloatBuffer.wrap(audio, (int) written, (int) (upTo - written)));
                        written = upTo;
                    }
                }
            }
            rec.stop();
        } finally {
            rec.release();
        }
    }

    private static void configureVideo(FFmpegFrameRecorder rec, int w, int h, double fps) {
        switch (CODEC) {
            case "libx264" -> {
                rec.setVideoCodecName("libx264");
                rec.setVideoOption("crf", "23");
                rec.setVideoOption("preset", "medium");
            }
            case "libopenh264" -> {
                rec.setVideoCodecName("libopenh264");
                rec.setVideoBitrate((int) Math.min(50_000_000, Math.max(1_000_000, 0.25 * w * h * fps)));
            }
            default -> {
                rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                rec.setVideoQuality(3);
            }
        }
    }

    /** The image as TYPE_3BYTE_BGR, which the converter turns into one BGR24 frame. */
    private static BufferedImage bgr(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) return img;
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String pickCodec() {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET); // failures are reported as DataException, not on stderr
        for (String name : new String[] {"libx264", "libopenh264"}) {
            if (avcodec.avcodec_find_encoder_by_name(name) != null) return name;
        }
        return "mpeg4";
    }
}
