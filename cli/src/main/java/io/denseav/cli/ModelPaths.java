package io.denseav.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** A model argument: a checkpoint file, or an HF folder holding model.safetensors (+ config.json). */
final class ModelPaths {
    private ModelPaths() {
    }

    static Path resolve(Path model) {
        if (Files.isDirectory(model)) {
            Path st = model.resolve("model.safetensors");
            if (!Files.exists(st)) throw new BadInputException(model + ": folder has no model.safetensors");
            return st;
        }
        return model;
    }
}
