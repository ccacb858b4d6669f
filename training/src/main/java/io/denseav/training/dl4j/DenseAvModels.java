package io.denseav.training.dl4j;

import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.InfoNce;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DenseAV checkpoints the DL4J layers read, loaded once per JVM and keyed by path: ParallelWrapper rebuilds each
 * replica from the configuration JSON (dl4j-samediff.md §4), and every replica then shares the one read-only copy of
 * the frozen backbone weights instead of reading the checkpoint again.
 */
final class DenseAvModels {
    private static final Map<String, Loaded> CACHE = new ConcurrentHashMap<>();

    private DenseAvModels() {
    }

    /**
     * A loaded model whose weights have all been handed out to graphs, so {@link DenseAv#weights()} is complete.
     *
     * @param weights   every weight by graph variable name (shared arrays: never write into them)
     * @param heads     the warm-up set, in graph order: the aligners and {@code audio_cls}, every weight outside the
     *                  backbones (denseav-reference.md §5) but {@code sim_cal.w}, which the output layer holds
     * @param loraPairs the image LoRA pairs, in graph order
     */
    record Loaded(DenseAv model, Map<String, INDArray> weights, List<String> heads, List<String> loraPairs) {
        /** The graph names of the DL4J parameters: the LoRA pairs when {@code lora}, then the warm-up set. */
        List<String> trainable(boolean lora) {
            if (!lora) return heads;
            if (loraPairs.isEmpty()) throw new IllegalArgumentException("the model has no image LoRA to train");
            List<String> out = new ArrayList<>(loraPairs);
            out.addAll(heads);
            return out;
        }

        INDArray weight(String name) {
            INDArray w = weights.get(name);
            if (w == null) throw new IllegalArgumentException("the model has no weight " + name);
            return w;
        }
    }

    /**
     * The model at {@code path}, loaded and checked on first use with one batch-1 forward of each path. Weights no op
     * reads (the reference's image {@code cls_layer}, unused while {@code sim_use_cls} is off) get no gradient, so they
     * are left out of the trainable sets.
     */
    static Loaded get(String path, int imageSize, int samples) {
        return CACHE.computeIfAbsent(key(path), k -> {
            DenseAv m = materialize(DenseAv.load(Path.of(k)), imageSize, samples);
            Set<String> consumed = new HashSet<>();
            for (SameDiff g : m.graphs()) {
                for (Variable v : g.getVariables().values()) {
                    if (v.getInputsForOp() != null && !v.getInputsForOp().isEmpty()) consumed.add(v.getName());
                }
                g.getSessions().clear(); // the check's activation cache would otherwise live as long as the JVM
            }
            Map<String, INDArray> byKey = m.weights();
            Map<String, INDArray> weights = new LinkedHashMap<>();
            List<String> heads = new ArrayList<>();
            List<String> pairs = new ArrayList<>();
            String image = m.imagePrefix();
            m.variableKeys().forEach((name, key) -> {
                weights.put(name, byKey.get(key));
                if (!consumed.contains(name) || name.equals(InfoNce.W_LOG)) return;
                if (!key.startsWith(image) && !key.startsWith(DenseAv.AUDIO_PREFIX)) heads.add(name);
                else if (key.startsWith(image) && key.contains(".lora_")) pairs.add(name);
            });
            return new Loaded(m, weights, List.copyOf(heads), List.copyOf(pairs));
        });
    }

    /**
     * Builds (and runs once at batch 1) the image and audio graphs of {@code m}: every weight is handed out, and a
     * checkpoint that does not match the architecture fails here with DenseAv's list of missing keys.
     */
    static DenseAv materialize(DenseAv m, int imageSize, int samples) {
        m.imageFeatures(Nd4j.zeros(DataType.FLOAT, 1, 3, imageSize, imageSize));
        m.audioFeatures(Nd4j.zeros(DataType.FLOAT, 1, samples));
        return m;
    }

    /** Forgets (and closes) the model at {@code path}; graphs built on it keep their arrays. */
    static void release(String path) {
        Loaded l = CACHE.remove(key(path));
        if (l != null) l.model().close();
    }

    static String key(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    /**
     * The DL4J parameter key of graph variable {@code name}. ComputationGraph splits its "layer_param" keys at '_'
     * ({@code getParam} at the last one, {@code update(Gradient)} at every one), so a key must not hold one.
     */
    static String paramKey(String name) {
        return name.replace('_', '-');
    }
}
