package io.denseav.cli;

import io.denseav.data.readers.ManifestReader;
import io.denseav.data.readers.ReaderOptions;
import io.denseav.data.readers.Sample;
import io.denseav.data.train.TrainingSamples;
import io.denseav.graphs.DenseAv;
import io.denseav.training.ModelFiles;
import io.denseav.training.Presets;
import io.denseav.training.TrainConfig;
import io.denseav.training.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code denseav train}: DenseAV's two-phase training on a pairs manifest, with checkpoints and exact resume. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train DenseAV (two phases, every loss term) on image/audio pairs; checkpoints go to OUT/step-N/.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tuxpaint-tiny", description = "Model and training set-up (${DEFAULT-VALUE}).")
    String preset;
    @Option(names = "--data", required = true, paramLabel = "DIR|CSV",
            description = "A TuxPaint-AV folder (its pairs.csv, split 'train') or a CSV manifest image,audio[,label].")
    Path data;
    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;
    @Option(names = "--steps", paramLabel = "N", description = "Phase-2 steps (default: the preset's).")
    Integer steps;
    @Option(names = "--warmup-steps", paramLabel = "N", description = "Phase-1 steps (default: the preset's).")
    Integer warmup;
    @Option(names = "--seed", paramLabel = "S")
    Long seed;
    @Option(names = "--checkpoint-every", paramLabel = "N")
    Integer every;
    @Option(names = "--disentangle", paramLabel = "W", description = "L_Dis weight (default: the preset's).")
    Double disentangle;
    @Option(names = "--heads", paramLabel = "K", description = "Similarity heads (default: the preset's).")
    Integer heads;
    @Option(names = "--sim-agg", paramLabel = "A", description = "misa (DenseAV) or imagebind (the global-pooling baseline).")
    String simAgg;
    @Option(names = "--freeze-audio", description = "Keep the audio backbone fixed in phase 2 (the reference fine-tunes all of HuBERT).")
    boolean freezeAudio;
    @Option(names = "--resume", description = "Continue from the newest checkpoint in OUT.")
    boolean resume;
    @Option(names = "--export", paramLabel = "DIR", description = "Also write the final model (model.safetensors + config.json) here.")
    Path export;
    @Option(names = "--log-every", defaultValue = "10", paramLabel = "N")
    int logEvery;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Presets.Preset p;
        try {
            p = Presets.named(preset);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        TrainConfig c = p.training();
        if (steps != null || warmup != null) c = c.withSteps(warmup != null ? warmup : c.warmupSteps(), steps != null ? steps : c.trainSteps());
        if (seed != null) c = c.withSeed(seed);
        if (every != null) c = c.withCheckpointEvery(every);
        if (freezeAudio) c = c.withFinetuneAudio(false);
        if (simAgg != null) {
            if (!simAgg.equals("misa") && !simAgg.equals(io.denseav.graphs.GlobalPoolAggregator.NAME)) {
                throw new BadInputException("--sim-agg must be misa or " + io.denseav.graphs.GlobalPoolAggregator.NAME);
            }
            c = c.withSimAgg(simAgg);
        }
        if (disentangle != null) c = c.withLosses(c.losses().toBuilder().disentangle(disentangle).build());
        io.denseav.graphs.DenseAvConfig modelConfig = heads == null ? p.model() : p.model().withHeads(heads);
        Path csv = Files.isDirectory(data) ? data.resolve("pairs.csv") : data;
        if (!Files.isRegularFile(csv)) throw new BadInputException(data + ": no pairs.csv (build one with 'denseav dataset tuxpaint')");
        String split = Files.isDirectory(data) ? "train" : null;
        TrainingSamples samples = p.data().apply(TrainingSamples.builder(new ManifestReader(csv, Sample.SPEECH, split,
                ReaderOptions.defaults().withSeed(c.seed()))).seed(c.seed()).dropLast(true)).build();
        PrintWriter o = spec.commandLine().getOut();
        o.printf("training %s on %s: %d pairs, %d + %d steps of %d, output %s%n", p.name(), csv, samples.size(),
                c.warmupSteps(), c.trainSteps(), c.batchSize(), out);
        long t0 = System.nanoTime();
        long[] last = {t0};
        TrainConfig cfg = c;
        Trainer.Result r = new Trainer(cfg, samples, out).listener(s -> {
            if ((s.step() + 1) % logEvery != 0 && s.step() + 1 != cfg.totalSteps()) return;
            long now = System.nanoTime();
            StringBuilder sb = new StringBuilder(String.format("step %d/%d phase %d lr %.2e", s.step() + 1, cfg.totalSteps(), s.phase(), s.lr()));
            for (Map.Entry<String, Double> e : s.losses().entrySet()) sb.append(String.format(" %s %.4f", e.getKey().replace("loss/", ""), e.getValue()));
            sb.append(String.format(" (%.2f s/step)", (now - last[0]) / 1e9 / logEvery));
            last[0] = now;
            o.println(sb);
        }).run(() -> DenseAv.random(modelConfig, cfg.seed()), resume);
        o.printf("done in %.0f s; last checkpoint %s%n", (System.nanoTime() - t0) / 1e9, r.checkpoint());
        if (export != null && r.checkpoint() != null) {
            try {
                Files.createDirectories(export);
                for (String f : new String[] {ModelFiles.WEIGHTS, ModelFiles.CONFIG}) {
                    Files.copy(r.checkpoint().resolve(f), export.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot export to " + export + ": " + e.getMessage(), e);
            }
            o.printf("exported %s%n", export);
        }
        return 0;
    }
}
