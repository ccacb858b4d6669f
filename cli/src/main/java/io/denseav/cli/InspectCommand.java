package io.denseav.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.ModelFamily;
import io.denseav.modelimport.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code denseav inspect [--json] FILE}: format, model family, sizes, tensor table and metadata. */
@Command(name = "inspect", description = "Describe a checkpoint (.pth/.pt/.bin/.ckpt, safetensors, .npy/.npz) "
        + "without loading its tensors.")
final class InspectCommand implements Callable<Integer> {
    /** Metadata keys shown in full; the rest are summarised (use --json for everything). */
    private static final List<String> FULL_KEYS = List.of("pytorch-lightning_version", "epoch", "global_step",
            "hparams_name", "hyper_parameters", "config.json", "__metadata__");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "FILE", description = "The checkpoint file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object: format, family, tensors, metadata.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            ModelFamily family = ModelFamily.detect(ckpt);
            if (json) {
                out.println(JSON.writeValueAsString(asJson(ckpt, family)));
            } else {
                printText(out, ckpt, family);
            }
        }
        out.flush();
        return 0;
    }

    static String formatId(Checkpoint.Format f) {
        return f.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Map<String, Object> asJson(Checkpoint ckpt, ModelFamily family) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("file", ckpt.path().toString());
        o.put("format", formatId(ckpt.format()));
        Map<String, Object> fam = new LinkedHashMap<>();
        fam.put("id", family.id());
        fam.put("description", family.description());
        fam.put("details", family.details());
        o.put("family", fam);
        o.put("tensor_count", ckpt.tensors().size());
        o.put("parameters", ckpt.parameterCount());
        o.put("bytes", ckpt.byteSize());
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (Tensor t : ckpt.tensors().values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", t.name());
            e.put("dtype", t.dtype().name());
            e.put("shape", t.shape());
            tensors.add(e);
        }
        o.put("tensors", tensors);
        o.put("metadata", ckpt.metadata());
        return o;
    }

    private static void printText(PrintWriter out, Checkpoint ckpt, ModelFamily family) throws Exception {
        out.printf("file        %s%n", ckpt.path());
        out.printf("format      %s%n", ckpt.format().description());
        out.printf("family      %s%n", family.description());
        out.printf("tensors     %,d%n", ckpt.tensors().size());
        out.printf("parameters  %,d%n", ckpt.parameterCount());
        out.printf("bytes       %,d (%s)%n", ckpt.byteSize(), human(ckpt.byteSize()));
        if (!ckpt.metadata().isEmpty()) {
            out.println();
            out.println("metadata");
            for (Map.Entry<String, Object> e : ckpt.metadata().entrySet()) {
                Object v = e.getValue();
                boolean full = FULL_KEYS.contains(e.getKey()) || !(v instanceof Map || v instanceof List);
                String text = full ? (v instanceof Map || v instanceof List ? JSON.writeValueAsString(v) : String.valueOf(v))
                        : summary(v) + "  (see --json)";
                out.printf("  %s: %s%n", e.getKey(), text.replace("\n", "\n  "));
            }
        }
        out.println();
        int w = 4;
        for (String n : ckpt.tensors().keySet()) w = Math.max(w, n.length());
        out.printf("  %-" + w + "s  %-5s  %s%n", "name", "dtype", "shape");
        for (Tensor t : ckpt.tensors().values()) {
            out.printf("  %-" + w + "s  %-5s  %s%n", t.name(), t.dtype(), Arrays.toString(t.shape()));
        }
    }

    private static String summary(Object v) {
        if (v instanceof Map) return "{" + ((Map<?, ?>) v).size() + " keys: " + String.join(", ", keys((Map<?, ?>) v)) + "}";
        return "[" + ((List<?>) v).size() + " items]";
    }

    private static List<String> keys(Map<?, ?> m) {
        List<String> k = new ArrayList<>();
        for (Object o : m.keySet()) {
            if (k.size() == 5) {
                k.add("...");
                break;
            }
            k.add(String.valueOf(o));
        }
        return k;
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.2f %s", v, units[u]);
    }
}
