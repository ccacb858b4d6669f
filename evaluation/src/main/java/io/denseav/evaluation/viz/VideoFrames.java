package io.denseav.evaluation.viz;

import io.denseav.data.DataException;
import io.denseav.data.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * The decoded RGB frames of a video file and its frame rate, as DenseAV's demo reads them with
 * {@code torchvision.io.read_video(video, end_pts=10, pts_unit='sec')} ({@code info["video_fps"]} is the stream's
 * average frame rate). Decoding is FFmpeg through JavaCV's {@link FFmpegFrameGrabber} (JavaCV 1.5.7, FFmpeg 5.0),
 * converted with {@link Java2DFrameConverter}; the audio track is read separately with
 * {@link io.denseav.data.AudioLoader}. Frames keep their stored size (rotation metadata is ignored, as torchvision
 * ignores it). Every decoding failure is a {@link DataException} naming the file.
 */
public record VideoFrames(List<RgbImage> frames, double fps) {
    static {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET); // failures are reported as DataException, not on stderr
    }

    public VideoFrames {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames");
        if (!(fps > 0) || Double.isInfinite(fps)) throw new IllegalArgumentException("frame rate " + fps);
    }

    /** Every frame of {@code file}. */
    public static VideoFrames read(Path file) {
        return read(file, Double.POSITIVE_INFINITY);
    }

    /** The frames of {@code file} whose timestamp is at most {@code maxSeconds} (the demo's {@code end_pts=10}). */
    public static VideoFrames read(Path file, double maxSeconds) {
        List<RgbImage> frames = new ArrayList<>();
        double fps = forEach(file, maxSeconds, frames::add);
        return new VideoFrames(frames, fps);
    }

    /**
     * Decodes the frames of {@code file} up to {@code maxSeconds} one at a time into {@code sink} (for videos too
     * long to hold in memory) and returns the frame rate.
     */
    public static double forEach(Path file, double maxSeconds, Consumer<RgbImage> sink) {
        requireReadable(file);
        if (!(maxSeconds >= 0)) throw new IllegalArgumentException("maxSeconds " + maxSeconds);
        FFmpegFrameGrabber grabber;
        try {
            grabber = new FFmpegFrameGrabber(file.toAbsolutePath().toFile());
        } catch (LinkageError e) { // FFmpeg's natives exist for linux-x86_64 only in this build
            throw new DataException(file, "cannot decode video: FFmpeg is not available here (" + e + ")", e);
        }
        try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw new DataException(file, "cannot decode video: not a media file FFmpeg can read ("
                        + message(e) + ")", e);
            }
            if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) throw new DataException(file, "no video stream");
            double fps = grabber.getFrameRate();
            if (!(fps > 0) || Double.isInfinite(fps)) throw new DataException(file, "unknown video frame rate");
            long limitMicros = maxSeconds >= Long.MAX_VALUE / 1e6 ? Long.MAX_VALUE : Math.round(maxSeconds * 1e6);
            int count = 0;
            for (Frame f; (f = grabber.grabImage()) != null; ) {
                if (f.timestamp > limitMicros) break;
                sink.accept(toRgb(converter.convert(f)));
                count++;
            }
            if (count == 0) throw new DataException(file, "cannot decode video: no frames decoded");
            return fps;
        } catch (FrameGrabber.Exception e) {
            throw new DataException(file, "cannot decode video: " + message(e), e);
        } finally {
            try {
                grabber.release();
            } catch (FrameGrabber.Exception ignored) {
                // nothing left to report: the result (or the first error) is what counts
            }
        }
    }

    /** The pixels of a decoded frame (copied: the converter reuses its image). */
    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
                && img.getRaster().getDataBuffer() instanceof DataBufferByte db
                && db.getData().length == rgb.length) {
            byte[] bgr = db.getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    rgb[o] = (byte) (row[x] >> 16);
                    rgb[o + 1] = (byte) (row[x] >> 8);
                    rgb[o + 2] = (byte) row[x];
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    public int width() {
        return frames.get(0).width();
    }

    public int height() {
        return frames.get(0).height();
    }

    /** Duration in seconds, frames / fps. */
    public double seconds() {
        return frames.size() / fps;
    }

    private static void requireReadable(Path file) {
        io.denseav.data.InputFiles.requireReadable(file);
    }

    private static String message(Exception e) {
        return io.denseav.data.InputFiles.message(e);
    }
}
