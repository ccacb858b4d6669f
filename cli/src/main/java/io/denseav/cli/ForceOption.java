package io.denseav.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --force}, mixed into every command that writes files: existing outputs are kept unless it is given. */
final class ForceOption {
    @Option(names = "--force", description = "Overwrite existing outputs.")
    boolean force;

    /** Each non-null output must be writable, and new unless --force ({@link ModelPaths#checkOutput}). */
    void check(Path... outputs) {
        for (Path p : outputs) if (p != null) ModelPaths.checkOutput(p, force);
    }
}
