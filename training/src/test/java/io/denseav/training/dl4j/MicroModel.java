package io.denseav.training.dl4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.graphs.DenseAv;
import io.denseav.graphs.DenseAvConfig;
import io.denseav.graphs.HubertConfig;
import io.denseav.graphs.VitConfig;
import io.denseav.modelimport.SafeTensors;
import io.denseav.training.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A micro DenseAV with LoRA (TrainerTest's sizes: a few thousand weights) written as an HF folder, and synthetic
 * paired batches in which example i shows a bright square at a place of its own and plays a tone of its own pitch.
 */
final class MicroModel {
    static final int IMAGE = 32;
    static final int SAMPLES = 16000;
    static final int LORA_RANK = 4;

    private MicroModel() {
    }

    static DenseAvConfig config() {
        VitConfig image = new VitConfig(16, 1, 2, 8, 32, VitConfig.DENSEAV_EPS, 4.0);
        HubertConfig audio = new HubertConfig(16, 1, 2, 32, 8, new int[] {10, 3, 3, 3, 3, 2, 2}, new int[] {5, 2, 2, 2, 2, 2, 2},
                true, true, true, 8, 2, 1e-5, HubertConfig.DENSEAV_ENCODER_EPS);
        return new DenseAvConfig(image, audio, 8, 2, 2, true, true, "max_elementwise");
    }

    /**
     * Writes a random micro model into {@code dir}: model.safetensors (official keys) with a LoRA pair on every qkv,
     * A ~ N(0, 0.02²) and B = 0 as peft initialises them, and config.json.
     */
    static Path write(Path dir, long seed) throws IOException {
        DenseAv m = DenseAvModels.materialize(DenseAv.random(config(), seed), IMAGE, SAMPLES);
        Map<String, INDArray> weights = new LinkedHashMap<>(m.weights());
        int d = m.config().image().embedDim();
        Nd4j.getRandom().setSeed(seed);
        for (int i = 0; i < m.config().image().depth(); i++) {
            String qkv = m.imagePrefix() + "blocks." + i + ".attn.qkv.";
            weights.put(qkv + "lora_A.default.weight", Nd4j.randn(DataType.FLOAT, LORA_RANK, d).muli(0.02));
            weights.put(qkv + "lora_B.default.weight", Nd4j.zeros(DataType.FLOAT, 3L * d, LORA_RANK));
        }
        Files.createDirectories(dir);
        SafeTensors.writeArrays(dir.resolve(ModelFiles.WEIGHTS), weights, Map.of("format", "pt"));
        new ObjectMapper().writeValue(dir.resolve(ModelFiles.CONFIG).toFile(), ModelFiles.hyperParameters(m));
        return dir;
    }

    /**
     * A batch of {@code b} pairs: example i has a bright square in the image cell i (of a 2×2 grid, mod 4) on noise
     * and a tone of 220·(i+1) Hz; the last quarter of clip 0 is padding (mask 0).
     */
    static DataSet batch(PackedInput in, int b, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.randn(DataType.FLOAT, b, 3, IMAGE, IMAGE).muli(0.3);
        float[][] tones = new float[b][SAMPLES];
        float[][] mask = new float[b][SAMPLES];
        int half = IMAGE / 2;
        for (int i = 0; i < b; i++) {
            int cell = i % 4;
            images.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.interval(cell / 2 * half, cell / 2 * half + half),
                    NDArrayIndex.interval(cell % 2 * half, cell % 2 * half + half)).addi(2.0);
            for (int s = 0; s < SAMPLES; s++) {
                tones[i][s] = (float) Math.sin(2 * Math.PI * 220.0 * (i + 1) * s / 16000);
                mask[i][s] = i == 0 && s >= 3 * SAMPLES / 4 ? 0f : 1f;
            }
        }
        INDArray audio = Nd4j.create(tones).addi(Nd4j.randn(DataType.FLOAT, b, SAMPLES).muli(0.05));
        return in.dataSet(images, audio, Nd4j.create(mask));
    }
}
