package io.denseav.data.tuxpaint;

import java.nio.file.Path;

/**
 * One photographic TuxPaint stamp: its class, its RGBA PNG (whose alpha is the exact object mask) and its prompts.
 *
 * @param classId ADE-style class id, 1.. (0 is background)
 * @param name    class name, e.g. "snowy owl"
 * @param key     file stem, e.g. "owl"
 * @param png     the stamp picture
 * @param sound   the sound effect {@code <key>.ogg}, or null
 * @param speech  the spoken English name {@code <key>_desc.ogg}, or null
 */
public record Stamp(int classId, String name, String key, Path png, Path sound, Path speech) {
}
