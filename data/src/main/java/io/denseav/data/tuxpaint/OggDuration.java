package io.denseav.data.tuxpaint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The length of an Ogg Vorbis file from its headers alone: the granule position of the last Ogg page divided by the
 * sample rate of the Vorbis identification header. Negative when the file is not Ogg Vorbis.
 */
final class OggDuration {
    private OggDuration() {
    }

    /** Seconds of audio, or -1. */
    static double seconds(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int id = indexOf(b, new byte[]{1, 'v', 'o', 'r', 'b', 'i', 's'}, 0);
            if (id < 0 || id + 16 > b.length) return -1;
            long rate = bb.getInt(id + 12) & 0xFFFFFFFFL;
            long granule = -1;
            for (int i = b.length - 27; i >= 0; i--) {
                if (b[i] == 'O' && b[i + 1] == 'g' && b[i + 2] == 'g' && b[i + 3] == 'S') {
                    granule = bb.getLong(i + 6);
                    break;
                }
            }
            return rate <= 0 || granule < 0 ? -1 : granule / (double) rate;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int indexOf(byte[] b, byte[] pat, int from) {
        outer:
        for (int i = from; i + pat.length <= b.length; i++) {
            for (int j = 0; j < pat.length; j++) if (b[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }
}
