package io.denseav.data.tuxpaint;

import io.denseav.data.Audio;
import io.denseav.data.AudioLoader;
import io.denseav.data.DataException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * "a picture of a NAME" spoken by {@code espeak-ng}, with the time span of NAME: it starts where the separately
 * synthesized prefix "a picture of a" stops sounding and ends where the whole phrase stops sounding (trailing
 * silence, below 1% of full scale, is not counted in either).
 */
public final class SpeechSynth {
    /** A synthesized prompt and the span, in seconds, of the object's name within it. */
    public record Prompt(Path wav, double start, double end) {
    }

    private SpeechSynth() {
    }

    /** True when espeak-ng is on the PATH. */
    public static boolean available() {
        return DebianPackages.onPath("espeak-ng");
    }

    /** Tries {@code apt-get install -y espeak-ng} when it is missing; whether it is available afterwards. */
    public static boolean ensure() {
        if (available()) return true;
        try {
            DebianPackages.run(Path.of("."), "apt-get", "install", "-y", "espeak-ng");
        } catch (DataException e) {
            return false;
        }
        return available();
    }

    /** "a" or "an" for a name. */
    static String article(String name) {
        return name.isEmpty() || "aeiou".indexOf(Character.toLowerCase(name.charAt(0))) < 0 ? "a" : "an";
    }

    /** Writes the phrase for {@code name} to {@code wav} (using {@code scratch} for the prefix) and times the name. */
    public static Prompt speak(String name, Path wav, Path scratch) {
        String prefix = "a picture of " + article(name);
        synth(prefix, scratch);
        synth(prefix + " " + name, wav);
        double start = soundingSeconds(AudioLoader.load(scratch));
        double end = soundingSeconds(AudioLoader.load(wav));
        return new Prompt(wav, start, Math.max(start, end));
    }

    private static void synth(String text, Path wav) {
        DebianPackages.run(wav.toAbsolutePath().getParent(), "espeak-ng", "-v", "en-us", "-w", wav.toAbsolutePath().toString(), text);
    }

    /** Seconds up to the last sample louder than 1% of full scale. */
    static double soundingSeconds(Audio a) {
        float[] x = a.samples();
        int last = x.length - 1;
        while (last >= 0 && Math.abs(x[last]) < 0.01f) last--;
        return (last + 1) / (double) a.sampleRate();
    }

    /** Timing as the JSON array the manifest stores. */
    static String json(Prompt p) {
        return String.format(Locale.ROOT, "[%.3f,%.3f]", p.start(), p.end());
    }
}
