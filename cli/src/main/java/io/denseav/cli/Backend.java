package io.denseav.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which of the two ND4J native builds in the jar the CLI loads (README "Backends"). JavaCPP, left alone, loads the
 * first build it finds, which is the oneDNN + AVX-512 one, on any CPU and for every command. So before ND4J loads,
 * the CLI sets it: oneDNN for inference on CPUs with AVX-512 (its softmax and grouped conv1d are 3–5× faster,
 * {@code HelperPolicy}); the generic build for training and {@code bench train}, so that a preset trains to the same
 * floats on any x86_64 CPU, and wherever AVX-512 is missing or {@code DENSEAV_BACKEND=generic}. An explicit
 * {@code -Dorg.bytedeco.javacpp.platform.extension} wins.
 */
final class Backend {
    static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String ONEDNN = "-onednn-avx512";

    private Backend() {
    }

    /** The oneDNN build's library, present in the CPU jar (absent in a -Pcuda build, which is left alone). */
    static final String ONEDNN_LIBRARY = "/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + ONEDNN + "/libnd4jcpu.so";

    static void choose(String[] args) {
        if (System.getProperty(PROPERTY) != null || Backend.class.getResource(ONEDNN_LIBRARY) == null) return;
        System.setProperty(PROPERTY, extension(args, System.getenv("DENSEAV_BACKEND"), avx512()));
    }

    /** The platform extension for a command line: {@link #ONEDNN} or "" (the generic build). */
    static String extension(String[] args, String backendEnv, boolean avx512) {
        return !training(args) && avx512 && !"generic".equals(backendEnv) ? ONEDNN : "";
    }

    /** Whether the command line trains: {@code train} or {@code bench train}. */
    static boolean training(String[] args) {
        String[] words = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).limit(2).toArray(String[]::new);
        return words.length > 0 && (words[0].equals("train")
                || (words[0].equals("bench") && words.length > 1 && words[1].equals("train")));
    }

    private static boolean avx512() {
        try {
            return java.util.Arrays.asList(Files.readString(Path.of("/proc/cpuinfo")).split("\\s+")).contains("avx512f");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
