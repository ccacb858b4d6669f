package io.denseav.cli;

import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.SafeTensors;
import io.denseav.modelimport.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code denseav convert IN OUT.safetensors [--prefix P]}: any readable checkpoint to safetensors. */
@Command(name = "convert", description = "Write any readable checkpoint as safetensors (atomically: no partial file "
        + "is ever left behind).")
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "Input checkpoint.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output .safetensors file.")
    Path out;

    @Option(names = "--prefix", paramLabel = "P",
            description = "Only tensors whose name starts with P, with P removed (e.g. image_model.base_model.model.model.).")
    String prefix;

    @Mixin
    ForceOption force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        force.check(out);
        if (Files.exists(out) && Files.exists(in) && Files.isSameFile(in, out)) {
            throw new BadInputException(out + ": is the input file");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (Checkpoint ckpt = Checkpoint.open(in)) {
            Map<String, Tensor> tensors = prefix == null ? ckpt.tensors() : ckpt.withPrefix(prefix);
            if (tensors.isEmpty()) {
                throw new BadInputException(in + ": no tensors" + (prefix == null ? "" : " under prefix '" + prefix + "'"));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("source", in.getFileName().toString());
            if (prefix != null) meta.put("prefix", prefix);
            for (String key : new String[] {"hyper_parameters", "config.json", "pytorch-lightning_version"}) {
                Object v = ckpt.metadata().get(key);
                if (v != null) meta.put(key, v instanceof String ? (String) v : InspectCommand.JSON.writeValueAsString(v));
            }
            SafeTensors.write(out, tensors.values(), meta, new ConsoleProgress(System.err));
            long params = tensors.values().stream().mapToLong(Tensor::numel).sum();
            stdout.printf("wrote %s: %,d tensors, %,d parameters, %s%n", out, tensors.size(), params,
                    InspectCommand.human(Files.size(out)));
        }
        return 0;
    }
}
