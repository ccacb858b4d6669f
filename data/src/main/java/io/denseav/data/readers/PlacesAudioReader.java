package io.denseav.data.readers;

import io.denseav.data.DataException;
import io.denseav.data.ImageFiles;
import io.denseav.data.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * PlacesAudio 400k (reference §5.5): {@code <root>/metadata/<split>.json} with {@code "data": [{"wav": ...,
 * "image": ...}]}; wavs relative to {@code root}, images relative to an image root (by default the sibling
 * {@code places_subset/}). One image per caption; source 0 (speech).
 */
public final class PlacesAudioReader extends ItemReader<PlacesAudioReader.Row> {
    record Row(Path image, Path wav, String id) {
    }

    /** Images in the sibling folder {@code places_subset}. */
    public PlacesAudioReader(Path root, String split, ReaderOptions options) {
        this(root, root.toAbsolutePath().normalize().resolveSibling("places_subset"), split, options);
    }

    public PlacesAudioReader(Path root, Path imageRoot, String split, ReaderOptions options) {
        super(options);
        Path meta = root.resolve("metadata").resolve(split + ".json");
        InputFiles.requireReadable(meta);
        Object data;
        try {
            Object json = Json.parse(Files.readString(meta));
            data = json instanceof Map<?, ?> m ? m.get("data") : null;
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException(meta, "cannot parse metadata: " + InputFiles.message(e), e);
        }
        if (!(data instanceof List<?> entries)) throw new DataException(meta, "no \"data\" array");
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < entries.size(); k++) {
            String where = "data[" + k + "]";
            Map<?, ?> e = entries.get(k) instanceof Map<?, ?> m ? m : Map.of();
            String wav = e.get("wav") instanceof String s && !s.isBlank() ? s : null;
            String image = e.get("image") instanceof String s && !s.isBlank() ? s : null;
            if (missing(wav, "wav", meta, where) || missing(image, "image", meta, where)) continue;
            Path w = existing(root, wav, where);
            if (w == null) continue;
            Path im = existing(imageRoot, image, where);
            if (im != null) rows.add(new Row(im, w, wav));
        }
        setRows(rows);
    }

    @Override
    Sample load(int index, Row row) {
        INDArray[] a = audio(row.wav());
        return new Sample(image(row.image()), a[0], a[1], Sample.SPEECH, null, null, row.id());
    }

    @Override
    RawItem loadRaw(Row row, SplittableRandom rnd) {
        return new RawItem(ImageFiles.read(row.image()), rawAudio(row.wav()), Sample.SPEECH, row.id());
    }
}
