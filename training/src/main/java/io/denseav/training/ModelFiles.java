package io.denseav.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.denseav.graphs.DenseAv;
import io.denseav.graphs.DenseAvConfig;
import io.denseav.modelimport.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model as the HF release publishes it (denseav-reference.md §6.2): {@code model.safetensors} with the official
 * state-dict keys plus {@code config.json} holding the hyper-parameters. {@link io.denseav.graphs.DenseAv#load}
 * reads it back, and so does the PyTorch reference code. Sizes the released tables cannot tell (the attention
 * heads of a small model) go in {@code tiny_image}, {@code tiny_audio} and {@code tiny_aligner}.
 */
public final class ModelFiles {
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFiles() {
    }

    /** Writes the model's weights (official keys) and configuration into {@code dir}; each file atomically. */
    public static void write(Path dir, DenseAv model) {
        Map<String, INDArray> weights = model.weights();
        try {
            Files.createDirectories(dir);
            SafeTensors.writeArrays(dir.resolve(WEIGHTS), weights, Map.of("format", "pt"));
            Path tmp = dir.resolve(CONFIG + ".tmp");
            JSON.writeValue(tmp.toFile(), hyperParameters(model));
            Files.move(tmp, dir.resolve(CONFIG), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The reference's hyper-parameter names (§6.2) for {@code c}. */
    public static Map<String, Object> hyperParameters(DenseAv model) {
        DenseAvConfig c = model.config();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("audio_samples", model.clipSamples());
        h.put("code_dim", c.codeDim());
        h.put("sim_agg_heads", c.heads());
        h.put("image_model_type", "dino" + c.image().patch());
        h.put("image_aligner_type", "image_linear");
        h.put("audio_model_type", "hubert");
        h.put("audio_aligner_type", "audio_sa_3_3_pool_2");
        h.put("image_lora", c.lora());
        h.put("image_lora_rank", 8);
        h.put("image_lora_alpha", 32);
        h.put("learn_audio_cls", c.audioCls());
        h.put("sim_agg_type", model.simAgg());
        h.put("head_agg", c.headAgg());
        h.put("sim_use_cls", false);
        h.put("norm_vectors", false);
        h.put("image_pool_width", 2);
        h.put("audio_pool_width", 1);
        h.put("cal_init", 1.0);
        h.put("loss_type", "nce");
        INDArray pos = model.weights().get(model.imagePrefix() + "pos_embed");
        int grid = pos == null ? 224 / c.image().patch() : (int) Math.round(Math.sqrt(pos.size(1) - 1));
        // a LinkedHashMap, as for tiny_audio: Map.of's order changes from one JVM to the next, and config.json must
        // come out byte for byte the same from the same run (the shipped default model is rebuilt and compared)
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("embed_dim", c.image().embedDim());
        image.put("depth", c.image().depth());
        image.put("heads", c.image().heads());
        image.put("patch", c.image().patch());
        image.put("pos_grid", grid);
        image.put("mlp_ratio", c.image().mlpHidden() / c.image().embedDim());
        image.put("eps", c.image().eps());
        h.put("tiny_image", image);
        Map<String, Object> audio = new LinkedHashMap<>();
        audio.put("model_type", "hubert");
        audio.put("hidden_size", c.audio().hidden());
        audio.put("num_hidden_layers", c.audio().layers());
        audio.put("num_attention_heads", c.audio().heads());
        audio.put("intermediate_size", c.audio().ffn());
        audio.put("conv_dim", repeat(c.audio().convDim(), c.audio().kernels().length));
        audio.put("conv_kernel", c.audio().kernels());
        audio.put("conv_stride", c.audio().strides());
        audio.put("conv_bias", c.audio().convBias());
        audio.put("feat_extract_norm", c.audio().layerNormExtractor() ? "layer" : "group");
        audio.put("do_stable_layer_norm", c.audio().stableLayerNorm());
        audio.put("num_conv_pos_embeddings", c.audio().posConvKernel());
        audio.put("num_conv_pos_embedding_groups", c.audio().posConvGroups());
        audio.put("layer_norm_eps", c.audio().encoderEps());
        h.put("tiny_audio", audio);
        h.put("tiny_aligner", Map.of("num_heads", c.alignerHeads()));
        return h;
    }

    private static int[] repeat(int v, int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
