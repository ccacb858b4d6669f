package io.denseav.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The paths of a command: a model argument (a checkpoint, or an HF folder), and the files a command writes. */
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

    /** An output the command may write: never overwritten without --force, not a folder, in a writable folder. */
    static void checkOutput(Path out, boolean force) {
        if (Files.exists(out) && !force) throw new BadInputException(out + ": already exists (use --force to overwrite)");
        if (Files.isDirectory(out)) throw new BadInputException(out + ": is a directory");
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new BadInputException(out + ": its directory does not exist or is not writable");
        }
    }
}
