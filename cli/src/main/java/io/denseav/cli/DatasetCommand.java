package io.denseav.cli;

import io.denseav.data.tuxpaint.TuxPaintAv;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code denseav dataset ...}: datasets built offline from installable real data. */
@Command(name = "dataset", description = "Build datasets offline.", subcommands = {DatasetCommand.TuxPaint.class})
final class DatasetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "tuxpaint", description = "TuxPaint-AV: real photo stamps with exact masks, their real sounds, "
            + "spoken names and TTS prompts, composited on photographic wallpapers (Debian packages, never installed).")
    static final class TuxPaint implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;
        @Option(names = "--seed", defaultValue = "0")
        long seed;
        @Option(names = "--train", defaultValue = "200", description = "Compositions in train (default ${DEFAULT-VALUE}).")
        int train;
        @Option(names = "--val", defaultValue = "50")
        int val;
        @Option(names = "--test", defaultValue = "50")
        int test;
        @Option(names = "--cache", paramLabel = "DIR", description = "Where the .deb files and their unpacked tree go (default OUT/.cache).")
        Path cache;
        @Option(names = "--no-tts", description = "Skip the espeak-ng prompts.")
        boolean noTts;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TuxPaintAv.Options defaults = TuxPaintAv.Options.defaults();
            TuxPaintAv.Options opts = new TuxPaintAv.Options(new int[] {train, val, test}, defaults.side(), cache, !noTts);
            ConsoleProgress progress = new ConsoleProgress(System.err);
            String[] stage = {null};
            int[] last = {0};
            TuxPaintAv.Summary s = TuxPaintAv.build(out, seed, opts, (name, done, total) -> {
                if (!name.equals(stage[0])) {
                    progress.start(name, total);
                    stage[0] = name;
                    last[0] = 0;
                }
                progress.step(done - last[0]);
                last[0] = done;
            });
            progress.done();
            spec.commandLine().getOut().printf("wrote %s: %d classes, prompts per split %s%n", out, s.classes(), s.prompts());
            return 0;
        }
    }
}
