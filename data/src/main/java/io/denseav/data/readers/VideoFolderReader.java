package io.denseav.data.readers;

import io.denseav.data.DataException;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.InputFiles;
import io.denseav.data.RgbImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every {@code .mp4}, {@code .mkv} and {@code .webm} file directly in a folder (name order): one frame, drawn
 * with the item's seeded random source among the container's video frames and decoded by JavaCV's
 * {@link FFmpegFrameGrabber} as RGB24, plus the audio track through {@link io.denseav.data.AudioPreprocessor}.
 * The same frame-plus-clip pairing as AudioSet (reference §5.5); {@code source} is given at construction.
 * Short videos (up to {@value #SEQUENTIAL_LIMIT} frames) are decoded frame by frame to the chosen one, longer
 * ones are seeked.
 */
public final class VideoFolderReader extends ItemReader<Path> {
    static final int SEQUENTIAL_LIMIT = 300;
    private static final List<String> EXTENSIONS = List.of(".mp4", ".mkv", ".webm");

    static {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET); // failures surface as DataException
    }

    private final int source;

    public VideoFolderReader(Path folder, int source, ReaderOptions options) {
        super(options);
        if (source != Sample.SPEECH && source != Sample.SOUND) throw new IllegalArgumentException("source " + source);
        this.source = source;
        if (!Files.isDirectory(folder)) throw new DataException(folder, "not a folder");
        try (Stream<Path> s = Files.list(folder)) {
            setRows(s.filter(Files::isRegularFile).filter(VideoFolderReader::isVideo).sorted().toList());
        } catch (IOException e) {
            throw new DataException(folder, "cannot list: " + InputFiles.message(e), e);
        }
    }

    static boolean isVideo(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    @Override
    Sample load(int index, Path video) {
        RgbImage frame = randomFrame(video, options.random(index));
        int size = ImagePreprocessor.LOAD_SIZE;
        INDArray image = ImagePreprocessor.toTensor(IMAGES.transform(frame)).reshape(3, size, size);
        INDArray[] a = audio(video);
        return new Sample(image, a[0], a[1], source, null, null, video.getFileName().toString());
    }

    @Override
    RawItem loadRaw(Path video, SplittableRandom rnd) {
        return new RawItem(randomFrame(video, rnd), rawAudio(video), source, video.getFileName().toString());
    }

    /** A frame drawn uniformly from the video's (reported) frame count with {@code rng}. */
    static RgbImage randomFrame(Path video, SplittableRandom rng) {
        InputFiles.requireReadable(video);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toAbsolutePath().toFile());
        g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        try {
            g.start();
            if (!g.hasVideo()) throw new DataException(video, "no video stream");
            int n = Math.max(1, g.getLengthInVideoFrames());
            int k = rng.nextInt(n);
            RgbImage last = null;
            if (n > SEQUENTIAL_LIMIT) {
                g.setVideoFrameNumber(k);
                Frame f = g.grabImage();
                if (f != null) return toRgb(f, video);
            }
            for (int i = 0; i <= k || last == null; i++) {
                Frame f = g.grabImage();
                if (f == null) break;
                if (i >= k || last == null) last = toRgb(f, video);
                if (i >= k) break;
            }
            if (last == null) throw new DataException(video, "no video frame decoded");
            return last;
        } catch (FrameGrabber.Exception e) {
            throw new DataException(video, "cannot decode video: " + InputFiles.message(e), e);
        } finally {
            try {
                g.release();
            } catch (FrameGrabber.Exception ignored) {
                // the frame (or the first error) is what counts
            }
        }
    }

    /** Copies an RGB24 frame (rows may be padded to {@code imageStride}). */
    private static RgbImage toRgb(Frame f, Path video) {
        if (f.image == null || f.imageChannels != 3 || !(f.image[0] instanceof ByteBuffer buf)) {
            throw new DataException(video, "unexpected frame format (" + f.imageChannels + " channels)");
        }
        int w = f.imageWidth, h = f.imageHeight, stride = f.imageStride;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) buf.get(y * stride, rgb, y * w * 3, w * 3);
        return new RgbImage(w, h, rgb);
    }
}
