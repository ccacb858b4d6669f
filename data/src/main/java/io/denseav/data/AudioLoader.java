package io.denseav.data;

import java.nio.file.Path;

/**
 * Decodes an audio file to the samples of its first channel and its sample rate, as DenseAV's
 * {@code torchaudio.load(file)} followed by {@code waveform[0]}.
 * <ul>
 *   <li>PCM WAV (8/16/24/32-bit) and float WAV (32/64-bit), any rate and channel count: read directly
 *       ({@link WavDecoder}), bit-exact with torchaudio for 8/16/24-bit. torchaudio 0.13's sox backend clips float
 *       WAV to [-1, 1] and rounds 32-bit data to 2^-24; this reader keeps the stored values, as torchaudio's
 *       FFmpeg and soundfile backends do.</li>
 *   <li>everything else (Ogg Vorbis/Opus, MP3, FLAC, M4A/AAC, the audio of MP4/MKV/WebM, non-PCM WAV): FFmpeg
 *       ({@link FfmpegDecoder}).</li>
 * </ul>
 * A missing, empty, unreadable, corrupt or unsupported file gives a {@link DataException} naming the file.
 */
public final class AudioLoader {
    private AudioLoader() {
    }

    /** The first channel of {@code file} and its native sample rate. */
    public static Audio load(Path file) {
        InputFiles.requireReadable(file);
        if (WavDecoder.isRiffWave(file)) {
            Audio wav = WavDecoder.decode(file);
            if (wav != null) return wav;
        }
        try {
            return FfmpegDecoder.decode(file);
        } catch (LinkageError e) { // FFmpeg's natives exist for linux-x86_64 only in this build
            throw new DataException(file, "cannot decode audio: FFmpeg is not available here (" + e + ")", e);
        }
    }
}
