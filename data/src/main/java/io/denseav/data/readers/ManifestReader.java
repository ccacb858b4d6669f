package io.denseav.data.readers;

import io.denseav.data.ImageFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A plain CSV manifest with a header naming columns {@code image}, {@code audio} and optionally {@code label}
 * (the source label, 0 = speech, 1 = sound; {@code defaultSource} where the column is absent or blank). Paths
 * are relative to the CSV's folder (absolute paths are kept).
 */
public final class ManifestReader extends ItemReader<ManifestReader.Row> {
    record Row(Path image, Path audio, int source, String id) {
    }

    public ManifestReader(Path csvFile, int defaultSource, ReaderOptions options) {
        this(csvFile, defaultSource, null, options);
    }

    /** Only the rows whose {@code split} column equals {@code split} (all rows when null), e.g. TuxPaint-AV's pairs.csv. */
    public ManifestReader(Path csvFile, int defaultSource, String split, ReaderOptions options) {
        super(options);
        Csv csv = Csv.read(csvFile, null);
        if (!csv.has("image") || !csv.has("audio")) {
            throw new io.denseav.data.DataException(csvFile, "header must name 'image' and 'audio' columns");
        }
        Path base = csvFile.toAbsolutePath().getParent();
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < csv.size(); r++) {
            String where = csv.where(r);
            if (split != null && !split.equals(csv.get(r, "split"))) continue;
            String image = csv.get(r, "image"), audio = csv.get(r, "audio"), label = csv.get(r, "label");
            if (missing(image, "image", csvFile, where) || missing(audio, "audio", csvFile, where)) continue;
            int source = defaultSource;
            if (label != null) {
                try {
                    source = Integer.parseInt(label);
                } catch (NumberFormatException e) {
                    source = -1;
                }
                if (source != Sample.SPEECH && source != Sample.SOUND) {
                    options.reject(SkipLog.BAD_VALUE, csvFile, "label '" + label + "' is not 0 or 1 (" + where + ")");
                    continue;
                }
            }
            Path im = existing(base, image, where);
            if (im == null) continue;
            Path au = existing(base, audio, where);
            if (au != null) rows.add(new Row(im, au, source, csv.file().getFileName() + "#" + (r + 1)));
        }
        setRows(rows);
    }

    @Override
    public int source(int i) {
        return rows().get(i).source();
    }

    @Override
    Sample load(int index, Row row) {
        INDArray[] a = audio(row.audio());
        return new Sample(image(row.image()), a[0], a[1], row.source(), null, null, row.id());
    }

    @Override
    RawItem loadRaw(Row row, SplittableRandom rnd) {
        return new RawItem(ImageFiles.read(row.image()), rawAudio(row.audio()), row.source(), row.id());
    }
}
