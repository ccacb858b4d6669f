package io.denseav.data.tuxpaint;

import io.denseav.data.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes {@code LICENSE-ATTRIBUTION.txt}: where the material comes from and the packages' copyright files. */
final class Attribution {
    private Attribution() {
    }

    static void write(Path root, Path file, Map<String, List<Wallpapers.Wallpaper>> walls) {
        StringBuilder sb = new StringBuilder();
        sb.append("TuxPaint-AV is built from Debian packages; it inherits their licences.\n\n")
                .append("- Stamps, sounds and spoken names: tuxpaint-stamps-default (GPL-2; see below). Some sounds\n")
                .append("  are credited upstream to Freesound, the English recordings to volunteers.\n")
                .append("- Backgrounds: plasma-workspace-wallpapers and mate-backgrounds (licences below).\n")
                .append("- TTS prompts (*_tts.wav) are synthesized with espeak-ng (GPL-3+).\n\nWallpapers per split:\n");
        walls.forEach((split, ws) -> {
            sb.append("  ").append(split).append(":");
            ws.forEach(w -> sb.append(' ').append(w.name()));
            sb.append('\n');
        });
        for (String pkg : DebianPackages.PACKAGES) {
            Path c = root.resolve("usr/share/doc").resolve(pkg).resolve("copyright");
            sb.append("\n======== ").append(pkg).append(" (usr/share/doc/").append(pkg).append("/copyright) ========\n");
            try {
                sb.append(Files.isRegularFile(c) ? Files.readString(c) : "(copyright file not found)\n");
            } catch (IOException e) {
                sb.append("(cannot read: ").append(e.getMessage()).append(")\n");
            }
        }
        try {
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new DataException(file, "cannot write attribution: " + e.getMessage(), e);
        }
    }
}
