package io.denseav.data.readers;

import io.denseav.data.DataException;
import io.denseav.data.ImageFiles;
import io.denseav.data.InputFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AudioSet (reference §5.5): a segments CSV with {@code YTID}, {@code start...} and {@code end...} columns
 * (AudioSet's own "# YTID, start_seconds, end_seconds, ..." header is accepted), frames in
 * {@code <root>/frames/frame_<k>/<YTID_start_end>.jpg} and clips in an audio folder as
 * {@code <YTID_start_end>.<any extension>}. Each item uses one frame, drawn from the frames that exist for it
 * with the item's seeded random source. Source 1 (sound).
 * <p>The start and end in the key are matched as written in the CSV, then as {@code 30.0} and {@code 30}.
 */
public final class AudioSetReader extends ItemReader<AudioSetReader.Row> {
    record Row(String key, Path audio) {
    }

    private final List<Path> frameDirs;

    /** Frames under {@code root/frames}, audio in {@code audioDir}. */
    public AudioSetReader(Path root, Path segmentsCsv, Path audioDir, ReaderOptions options) {
        super(options);
        Csv csv = Csv.read(segmentsCsv, "YTID");
        String start = csv.columnStartingWith("start"), end = csv.columnStartingWith("end");
        if (!csv.has("ytid") || start == null || end == null) {
            throw new DataException(segmentsCsv, "header must name YTID, start and end columns");
        }
        this.frameDirs = frameDirs(root.resolve("frames"));
        Map<String, Path> clips = listByStem(audioDir);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < csv.size(); r++) {
            String where = csv.where(r);
            String id = csv.get(r, "ytid"), s = csv.get(r, start), e = csv.get(r, end);
            if (missing(id, "YTID", segmentsCsv, where) || missing(s, start, segmentsCsv, where)
                    || missing(e, end, segmentsCsv, where)) {
                continue;
            }
            Path clip = null;
            String key = null;
            for (String k : keys(id, s, e)) {
                if ((clip = clips.get(k)) != null) {
                    key = k;
                    break;
                }
            }
            if (clip == null) {
                options.reject(SkipLog.MISSING_FILE, audioDir.resolve(id + "_" + s + "_" + e + ".*"),
                        "no audio clip (" + where + ")");
            } else if (framesOf(key).isEmpty()) {
                options.reject(SkipLog.MISSING_FILE, root.resolve("frames/frame_*/" + key + ".jpg"),
                        "no frame (" + where + ")");
            } else {
                rows.add(new Row(key, clip));
            }
        }
        setRows(rows);
    }

    @Override
    Sample load(int index, Row row) {
        Path frame = randomFrame(row, options.random(index));
        INDArray[] a = audio(row.audio());
        return new Sample(image(frame), a[0], a[1], Sample.SOUND, null, null, row.key());
    }

    @Override
    RawItem loadRaw(Row row, SplittableRandom rnd) {
        Path frame = randomFrame(row, rnd);
        return new RawItem(ImageFiles.read(frame), rawAudio(row.audio()), Sample.SOUND, row.key());
    }

    /** One of the row's existing frames, drawn with {@code rng}. */
    private Path randomFrame(Row row, SplittableRandom rng) {
        List<Path> frames = framesOf(row.key());
        if (frames.isEmpty()) throw new DataException(row.audio(), "its frames disappeared");
        return frames.get(rng.nextInt(frames.size()));
    }

    /** The existing {@code frame_<k>/<key>.jpg}, in k order. */
    List<Path> framesOf(String key) {
        List<Path> out = new ArrayList<>();
        for (Path d : frameDirs) {
            Path f = d.resolve(key + ".jpg");
            if (Files.isRegularFile(f)) out.add(f);
        }
        return out;
    }

    /** Candidate file stems for a CSV row: as written, then with one decimal, then as an integer. */
    static Set<String> keys(String id, String start, String end) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(id + "_" + start + "_" + end);
        try {
            BigDecimal s = new BigDecimal(start), e = new BigDecimal(end);
            keys.add(id + "_" + s.setScale(1, java.math.RoundingMode.HALF_EVEN) + "_"
                    + e.setScale(1, java.math.RoundingMode.HALF_EVEN));
            keys.add(id + "_" + s.stripTrailingZeros().toPlainString() + "_" + e.stripTrailingZeros().toPlainString());
        } catch (NumberFormatException ignored) {
            // not numbers: only the literal key can match
        }
        return keys;
    }

    private static List<Path> frameDirs(Path frames) {
        if (!Files.isDirectory(frames)) throw new DataException(frames, "no frames folder");
        try (Stream<Path> s = Files.list(frames)) {
            return s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches("frame_\\d+"))
                    .sorted((a, b) -> Integer.compare(index(a), index(b))).toList();
        } catch (IOException e) {
            throw new DataException(frames, "cannot list: " + InputFiles.message(e), e);
        }
    }

    private static int index(Path frameDir) {
        return Integer.parseInt(frameDir.getFileName().toString().substring("frame_".length()));
    }

    /** Regular files of {@code dir} by name without extension (the first in name order wins). */
    private static Map<String, Path> listByStem(Path dir) {
        if (!Files.isDirectory(dir)) throw new DataException(dir, "no audio folder");
        Map<String, Path> out = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).sorted().forEach(p -> {
                String n = p.getFileName().toString();
                int dot = n.lastIndexOf('.');
                out.putIfAbsent(dot > 0 ? n.substring(0, dot) : n, p);
            });
        } catch (IOException e) {
            throw new DataException(dir, "cannot list: " + InputFiles.message(e), e);
        }
        return out;
    }
}
