package io.denseav.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model M}, mixed into the commands that run a DenseAV model. */
final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "M", description = "DenseAV .ckpt, model.safetensors or an HF folder.")
    Path path;

    /** The weights file ({@link ModelPaths#resolve}: a folder's model.safetensors or .ckpt). */
    Path resolve() {
        return ModelPaths.resolve(path);
    }

    @Override
    public String toString() {
        return String.valueOf(path);
    }
}
