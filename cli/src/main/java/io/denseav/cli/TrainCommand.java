package io.denseav.cli;

import io.denseav.data.readers.ManifestReader;
import io.denseav.data.readers.ReaderOptions;
import io.denseav.data.readers.Sample;
import io.denseav.data.train.TrainingSamples;
import io.denseav.graphs.DenseAv;
import io.denseav.training.ModelFiles;
import io.denseav.training.Presets;
import io.denseav.training.RunConfig;
import io.denseav.evaluation.protocols.TrainingValidation;
import io.denseav.training.TrainConfig;
import io.denseav.training.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code denseav train}: DenseAV's two-phase training on a pairs manifest, with checkpoints and exact resume. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train DenseAV (two phases, every loss term) on image/audio pairs; checkpoints go to OUT/step-N/. "
                + "Settings come from --config FILE (YAML or JSON) and/or the options; options win.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "A YAML or JSON run description (preset, data, out, workers, "
            + "validation, training overrides); see the README.")
    Path config;
    @Option(names = "--preset", paramLabel = "NAME", description = "Model and training set-up: tuxpaint-tiny (default), tuxpaint-curriculum, tuxpaint-probe or paper.")
    String preset;
    @Option(names = "--data", paramLabel = "DIR|CSV",
            description = "A TuxPaint-AV folder (its pairs.csv, split 'train') or a CSV manifest image,audio[,label].")
    Path data;
    @Option(names = "--out", paramLabel = "DIR")
    Path out;
    @Option(names = "--init", paramLabel = "MODEL", description = "Start from this DenseAV model (.ckpt or HF folder) instead of random weights.")
    Path init;
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
    @Option(names = "--workers", paramLabel = "N", description = "Data-parallel workers (one per device, round robin), "
            + "their features gathered into one contrastive batch (default 1).")
    Integer workers;
    @Option(names = "--validate-every", paramLabel = "N", description = "Validate (retrieval recall, prompted mAP/mIoU on the 'val' split) every N steps.")
    Integer validateEvery;
    @Option(names = "--val-subset", paramLabel = "N", description = "Validate on at most N items per protocol.")
    Integer valSubset;
    @Option(names = "--resume", description = "Continue from the newest checkpoint in OUT.")
    boolean resume;
    @Option(names = "--export", paramLabel = "DIR", description = "Also write the final model (model.safetensors + config.json) here.")
    Path export;
    @Option(names = "--log-every", defaultValue = "10", paramLabel = "N", description = "Without a terminal: a progress line every N steps.")
    int logEvery;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunConfig file = null;
        if (config != null) {
            if (!Files.isRegularFile(config)) throw new BadInputException(config + ": no such file");
            try {
                file = RunConfig.read(config);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        Presets.Preset p;
        try {
            p = preset != null ? Presets.named(preset) : file != null ? file.preset() : Presets.named("tuxpaint-tiny");
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        TrainConfig c = file != null && (preset == null || preset.equals(file.preset().name())) ? file.training() : p.training();
        Path dataPath = data != null ? data : file != null ? file.data() : null;
        Path outPath = out != null ? out : file != null ? file.out() : null;
        if (dataPath == null) throw new BadInputException("no data: give --data or 'data:' in the config");
        if (outPath == null) throw new BadInputException("no output folder: give --out or 'out:' in the config");
        Path initPath = init != null ? init : file != null ? file.init() : null;
        int nWorkers = workers != null ? workers : file != null ? file.workers() : 1;
        if (nWorkers < 1 || c.batchSize() % nWorkers != 0) {
            throw new BadInputException("--workers " + nWorkers + " does not divide the batch of " + c.batchSize());
        }
        Integer k = heads != null ? heads : file != null ? file.heads() : null;
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
        io.denseav.graphs.DenseAvConfig modelConfig = k == null ? p.model() : p.model().withHeads(k);
        Path csv = Files.isDirectory(dataPath) ? dataPath.resolve("pairs.csv") : dataPath;
        if (!Files.isRegularFile(csv)) throw new BadInputException(dataPath + ": no pairs.csv (build one with 'denseav dataset tuxpaint')");
        String split = Files.isDirectory(dataPath) ? "train" : null;
        TrainingSamples samples = p.data().apply(TrainingSamples.builder(new ManifestReader(csv, Sample.SPEECH, split,
                ReaderOptions.defaults().withSeed(c.seed()))).seed(c.seed()).dropLast(true)).build();
        PrintWriter o = spec.commandLine().getOut();
        o.printf("training %s on %s: %d pairs, %d + %d steps of %d on %d worker(s), output %s%n", p.name(), csv, samples.size(),
                c.warmupSteps(), c.trainSteps(), c.batchSize(), nWorkers, outPath);
        long t0 = System.nanoTime();
        TrainConfig cfg = c;
        boolean tty = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        try (TrainProgress progress = new TrainProgress(o, tty ? System.err : null, cfg.totalSteps(), cfg.batchSize(), logEvery)) {
            Trainer trainer = new Trainer(cfg, samples, outPath).workers(nWorkers).listener(progress::step);
            RunConfig.Validation v = validation(file);
            if (v != null) {
                Path valData = v.data() != null ? v.data() : dataPath;
                try {
                    trainer.validation(v.every(), TrainingValidation.of(valData, Files.isDirectory(valData) ? "val" : null, v.subset(),
                            io.denseav.modelimport.Progress.NONE), progress::validation);
                } catch (io.denseav.evaluation.protocols.EvaluationException e) {
                    throw new BadInputException(e.getMessage());
                }
            }
            Trainer.Result r = trainer.run(() -> initPath != null ? DenseAv.load(ModelPaths.resolve(initPath))
                    : DenseAv.random(modelConfig, cfg.seed(), cfg.init()), resume);
            progress.close();
            o.printf("done in %.0f s; last checkpoint %s%n", (System.nanoTime() - t0) / 1e9, r.checkpoint());
            if (export != null && r.checkpoint() != null) exportTo(r.checkpoint(), o);
        }
        return 0;
    }

    /** The validation settings: the options, else the config file's. */
    private RunConfig.Validation validation(RunConfig file) {
        RunConfig.Validation v = file != null ? file.validation() : null;
        if (validateEvery == null) return v == null || valSubset == null ? v : new RunConfig.Validation(v.every(), valSubset, v.data());
        if (validateEvery < 1) throw new BadInputException("--validate-every must be at least 1");
        return new RunConfig.Validation(validateEvery, valSubset != null ? valSubset : v != null ? v.subset() : null,
                v != null ? v.data() : null);
    }

    private void exportTo(Path checkpoint, PrintWriter o) {
        try {
            Files.createDirectories(export);
            for (String f : new String[] {ModelFiles.WEIGHTS, ModelFiles.CONFIG}) {
                Files.copy(checkpoint.resolve(f), export.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export to " + export + ": " + e.getMessage(), e);
        }
        o.printf("exported %s%n", export);
    }
}
