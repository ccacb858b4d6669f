package io.denseav.evaluation.protocols;

import java.util.List;
import java.util.Locale;

/** Which prompts of a prompted-segmentation folder to evaluate. */
public enum Prompts {
    SPEECH, SOUND, BOTH;

    /** speech, sound or both (any case). */
    public static Prompts parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new EvaluationException("prompts must be speech, sound or both, not '" + s + "'");
        }
    }

    /** The kinds this selects. */
    public List<PromptedSet.Kind> kinds() {
        return switch (this) {
            case SPEECH -> List.of(PromptedSet.Kind.SPEECH);
            case SOUND -> List.of(PromptedSet.Kind.SOUND);
            case BOTH -> List.of(PromptedSet.Kind.SPEECH, PromptedSet.Kind.SOUND);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
