package io.denseav.data.tuxpaint;

import io.denseav.data.DataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fetches Debian packages with {@code apt-get download} into a cache folder and unpacks them with
 * {@code dpkg -x} into a private root. Nothing is installed system-wide; a cached {@code .deb} is not fetched again.
 */
public final class DebianPackages {
    /** The packages TuxPaint-AV is built from. */
    public static final List<String> PACKAGES =
            List.of("tuxpaint-stamps-default", "plasma-workspace-wallpapers", "mate-backgrounds");

    private DebianPackages() {
    }

    /** True when both {@code apt-get} and {@code dpkg} are on the PATH. */
    public static boolean available() {
        return onPath("apt-get") && onPath("dpkg");
    }

    /** True when {@code command} is an executable file in a PATH folder. */
    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }

    /** Downloads (unless cached) and unpacks {@code packages} into {@code root}; returns {@code root}. */
    public static Path fetch(List<String> packages, Path debCache, Path root) {
        if (!available()) throw new DataException(null, "apt-get and dpkg are needed to fetch " + packages + " (not on PATH)");
        debCache = debCache.toAbsolutePath();
        root = root.toAbsolutePath();
        try {
            Files.createDirectories(debCache);
            Files.createDirectories(root);
            for (String pkg : packages) {
                Path deb = cachedDeb(debCache, pkg);
                if (deb == null) {
                    String log = run(debCache, "apt-get", "download", pkg);
                    if (log.contains("Unable to locate package")) {
                        run(debCache, "apt-get", "update");
                        log = run(debCache, "apt-get", "download", pkg);
                    }
                    deb = cachedDeb(debCache, pkg);
                    if (deb == null) throw new DataException(null, "apt-get download " + pkg + " failed: " + lastLine(log));
                }
                Path marker = root.resolve(".unpacked-" + deb.getFileName());
                if (!Files.exists(marker)) {
                    String log = run(root, "dpkg", "-x", deb.toString(), root.toString());
                    if (!log.isBlank() && log.contains("error")) throw new DataException(deb, "dpkg -x failed: " + lastLine(log));
                    Files.writeString(marker, "");
                }
            }
            return root;
        } catch (IOException e) {
            throw new DataException(root, "cannot prepare package cache: " + e.getMessage(), e);
        }
    }

    private static Path cachedDeb(Path dir, String pkg) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pkg + "_*.deb")) {
            for (Path p : ds) if (Files.size(p) > 0) return p;
        }
        return null;
    }

    /** Runs a command in {@code dir}; its merged output; throws if it cannot start or exits non-zero. */
    static String run(Path dir, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new DataException(null, String.join(" ", cmd) + " timed out");
            }
            if (p.exitValue() != 0 && !out.contains("Unable to locate package")) {
                throw new DataException(null, String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + lastLine(out));
            }
            return out;
        } catch (IOException e) {
            throw new DataException(null, "cannot run " + cmd[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException(null, String.join(" ", cmd) + " interrupted", e);
        }
    }

    private static String lastLine(String log) {
        String[] lines = log.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
