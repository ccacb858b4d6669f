package io.denseav.data.readers;

import io.denseav.data.DataException;
import io.denseav.data.ImageFiles;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ADE20K Speech-Prompted and Sound-Prompted segmentation (reference §7.1): {@code <dir>/prompted_segmentation.csv}
 * with {@code image_location}, {@code ade_class_id} (rows with 0 are dropped, as the reference does, without a
 * warning), {@code speech_prompt_file} (speech set, source 0, with a {@code timing} JSON {@code [start, end]} in
 * seconds) or {@code vggsound_file} (sound set, source 1); pictures in {@code frames/<image_location>}, class maps
 * in {@code annotations/<image_location with .jpg → _seg.png>}, prompts in {@code audio/<basename>}.
 * An annotation whose size differs from its picture is a "size mismatch".
 */
public final class PromptedSegmentationReader extends ItemReader<PromptedSegmentationReader.Row> {
    public static final String CSV = "prompted_segmentation.csv";

    record Row(Path frame, Path annotation, Path audio, int promptClass, double[] timing, String id) {
    }

    private final boolean speech;
    private int droppedBackground;

    public PromptedSegmentationReader(Path dir, ReaderOptions options) {
        super(options);
        Path file = dir.resolve(CSV);
        Csv csv = Csv.read(file, null);
        this.speech = csv.has("speech_prompt_file");
        String audioColumn = speech ? "speech_prompt_file" : "vggsound_file";
        if (!csv.has("image_location") || !csv.has("ade_class_id") || !csv.has(audioColumn)) {
            throw new DataException(file, "header must name image_location, ade_class_id and speech_prompt_file"
                    + " or vggsound_file");
        }
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < csv.size(); r++) {
            String where = csv.where(r);
            String image = csv.get(r, "image_location"), cls = csv.get(r, "ade_class_id");
            String prompt = csv.get(r, audioColumn), timing = csv.get(r, "timing");
            if (missing(image, "image_location", file, where) || missing(cls, "ade_class_id", file, where)
                    || missing(prompt, audioColumn, file, where) || (speech && missing(timing, "timing", file, where))) {
                continue;
            }
            int c;
            double[] t = null;
            try {
                c = (int) Double.parseDouble(cls);
                if (speech) t = parseTiming(timing);
            } catch (IllegalArgumentException e) {
                options.reject(SkipLog.BAD_VALUE, file, e.getMessage() + " (" + where + ")");
                continue;
            }
            if (c == 0) {
                droppedBackground++;
                continue;
            }
            Path frame = existing(dir.resolve("frames"), image, where);
            if (frame == null) continue;
            Path ann = existing(dir.resolve("annotations"), annotationName(image), where);
            if (ann == null) continue;
            Path audio = existing(dir.resolve("audio"), Path.of(prompt).getFileName().toString(), where);
            if (audio != null) rows.add(new Row(frame, ann, audio, c, t, image + "|" + prompt));
        }
        setRows(rows);
    }

    /** Whether this is the speech-prompted set. */
    public boolean speech() {
        return speech;
    }

    /** The prompt's ADE20K class ({@code ade_class_id}) of item {@code i}. */
    public int promptClass(int i) {
        return rows().get(i).promptClass();
    }

    /** How many rows had {@code ade_class_id} 0 and were dropped. */
    public int droppedBackground() {
        return droppedBackground;
    }

    @Override
    Sample load(int index, Row row) {
        RgbImage picture = ImageFiles.read(row.frame());
        RgbImage seg = ImageFiles.read(row.annotation());
        if (seg.width() != picture.width() || seg.height() != picture.height()) {
            throw new DataException(row.annotation(), SkipLog.SIZE_MISMATCH + ": annotation " + seg.width() + "x"
                    + seg.height() + ", picture " + picture.width() + "x" + picture.height());
        }
        int size = ImagePreprocessor.LOAD_SIZE;
        INDArray image = ImagePreprocessor.toTensor(IMAGES.transform(picture)).reshape(3, size, size);
        INDArray labels = Nd4j.create(SegmentationLabels.transform(seg, size), new long[] {size, size}, DataType.INT32);
        INDArray[] a = audio(row.audio());
        double[] t = row.timing() == null ? null : row.timing().clone();
        return new Sample(image, a[0], a[1], speech ? Sample.SPEECH : Sample.SOUND, labels, t, row.id());
    }

    /** The picture and the prompt; the annotation is not read. */
    @Override
    RawItem loadRaw(Row row, SplittableRandom rnd) {
        return new RawItem(ImageFiles.read(row.frame()), rawAudio(row.audio()), speech ? Sample.SPEECH : Sample.SOUND,
                row.id());
    }

    /** {@code a/b.jpg} → {@code a/b_seg.png}. */
    static String annotationName(String imageLocation) {
        int slash = imageLocation.lastIndexOf('/'), dot = imageLocation.lastIndexOf('.');
        String stem = dot > slash ? imageLocation.substring(0, dot) : imageLocation;
        return stem + "_seg.png";
    }

    /** {@code [start, end]} (or {@code {"start": .., "end": ..}}) in seconds; start &lt;= end. */
    static double[] parseTiming(String json) {
        Object v = Json.parse(json);
        Object s = null, e = null;
        if (v instanceof List<?> l && l.size() == 2) {
            s = l.get(0);
            e = l.get(1);
        } else if (v instanceof Map<?, ?> m) {
            s = m.get("start");
            e = m.get("end");
        }
        if (!(s instanceof Double start) || !(e instanceof Double end) || start > end || start < 0) {
            throw new IllegalArgumentException("timing '" + json + "' is not [start, end] in seconds");
        }
        return new double[] {start, end};
    }
}
