package io.denseav.cli;

import io.denseav.evaluation.FeatureCache;
import io.denseav.evaluation.protocols.DisentanglementEval;
import io.denseav.evaluation.protocols.EvalResult;
import io.denseav.evaluation.protocols.EvaluationException;
import io.denseav.evaluation.protocols.Features;
import io.denseav.evaluation.protocols.LocalizationEval;
import io.denseav.evaluation.protocols.PromptedSegmentation;
import io.denseav.evaluation.protocols.PromptedSet;
import io.denseav.evaluation.protocols.Prompts;
import io.denseav.evaluation.protocols.Retrieval;
import io.denseav.evaluation.report.HtmlReport;
import io.denseav.evaluation.report.ResultsJson;
import io.denseav.graphs.DenseAv;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav eval PROTOCOL}: one of DenseAV's evaluation protocols (denseav-reference.md §7) through the
 * evaluation module's runners; prints the summary, writes the results JSON ({@code --out}) and the HTML report
 * ({@code --report}). Features are cached per (model, file) unless {@code --no-cache}.
 */
@Command(name = "eval", description = "Evaluate a model: segmentation, retrieval, disentanglement or localization.")
final class EvalCommand implements Callable<Integer> {
    enum Protocol { segmentation, retrieval, disentanglement, localization }

    @Parameters(index = "0", paramLabel = "PROTOCOL", description = "segmentation | retrieval | disentanglement | localization")
    Protocol protocol;
    @Mixin
    ModelOption model;
    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "segmentation: an ADE20K-prompted folder or a TuxPaint-AV split (or root with --split); "
                    + "retrieval/disentanglement: a pairs CSV or a folder with pairs.csv; localization: a CSV "
                    + "image,audio,boxes or a folder with localization.csv.")
    Path data;
    @Option(names = "--subset", paramLabel = "N", description = "Items (per kind): the reference's seed-0 permutation subset "
            + "(default: 1000 or all for retrieval/disentanglement, all for the others).")
    Integer subset;
    @Option(names = "--prompts", paramLabel = "speech|sound|both", description = "Segmentation prompts (default: those in the CSV).")
    String prompts;
    @Option(names = "--split", paramLabel = "S", description = "Only this split (pairs.csv's split column; a TuxPaint-AV root's subfolder).")
    String split;
    @Option(names = "--out", paramLabel = "results.json", description = "Write the results JSON here.")
    Path out;
    @Option(names = "--report", paramLabel = "report.html", description = "Write a self-contained HTML report here.")
    Path report;
    @Mixin
    ForceOption force;
    @Option(names = "--no-cache", description = "Do not read or write the feature cache ($DENSEAV_CACHE or ~/.cache/denseav).")
    boolean noCache;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        force.check(out, report);
        if (out != null && report != null && out.toAbsolutePath().normalize().equals(report.toAbsolutePath().normalize())) {
            throw new BadInputException(out + ": --out and --report name the same file");
        }
        if (prompts != null && protocol != Protocol.segmentation) throw new BadInputException("--prompts applies to segmentation only");
        if (split != null && protocol == Protocol.localization) throw new BadInputException("--split does not apply to localization");
        if (subset != null && subset < 1) throw new BadInputException("--subset must be at least 1, not " + subset);
        if (!Files.exists(data)) throw new BadInputException(data + ": no such file or folder");
        Path dataPath = protocol == Protocol.segmentation ? segmentationFolder() : data;
        Path weights = model.resolve();
        try (DenseAv m = DenseAv.load(weights)) {
            if (protocol == Protocol.disentanglement && m.config().heads() != 2) {
                throw new BadInputException(model + ": disentanglement needs a model with 2 similarity heads; this one has K = "
                        + m.config().heads());
            }
            Features features = Features.of(m, weights).cached(noCache ? null : FeatureCache.standard());
            ConsoleProgress progress = new ConsoleProgress(System.err);
            EvalResult r = switch (protocol) {
                case segmentation -> PromptedSegmentation.builder().setData(dataPath)
                        .optPrompts(prompts == null ? null : Prompts.parse(prompts)).optSubset(subset).build().run(features, progress);
                case retrieval -> Retrieval.builder().setData(dataPath).optSplit(split).optSubset(subset).build().run(features, progress);
                case disentanglement -> DisentanglementEval.builder().setData(dataPath).optSplit(split).optSubset(subset).build()
                        .run(features, progress);
                case localization -> LocalizationEval.builder().setData(dataPath).optSubset(subset).build().run(features, progress);
            };
            r.setting("model", weights.toString());
            if (protocol == Protocol.segmentation) r.setting("split", split);
            if (!r.settings().containsKey("prompts")) r.setting("prompts", null);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("%s on %s%n", protocol, dataPath);
            r.summary().forEach((k, v) -> o.printf(Locale.ROOT, "  %-22s %s%n", k, Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v)));
            if (out != null) {
                ResultsJson.write(r, out);
                o.printf("wrote %s%n", out);
            }
            if (report != null) {
                HtmlReport.write(r, report);
                o.printf("wrote %s%n", report);
            }
            o.flush();
        } catch (EvaluationException e) {
            throw new BadInputException(e.getMessage());
        }
        return 0;
    }

    /** The prompted-segmentation folder: {@code --data} itself, or its {@code --split} subfolder (a TuxPaint-AV root). */
    private Path segmentationFolder() {
        if (PromptedSet.isPromptedFolder(data)) return data;
        if (split != null && PromptedSet.isPromptedFolder(data.resolve(split))) return data.resolve(split);
        String hint = split == null && Files.isDirectory(data) && hasSplitFolders() ? " (a TuxPaint-AV root: add --split test)" : "";
        throw new BadInputException(data + ": matches no known layout: no " + PromptedSet.CSV
                + (split != null ? " here or in " + data.resolve(split) : "")
                + " (segmentation needs an ADE20K speech/sound-prompted folder or a TuxPaint-AV split)" + hint);
    }

    private boolean hasSplitFolders() {
        for (String s : new String[] {"test", "val", "train"}) if (PromptedSet.isPromptedFolder(data.resolve(s))) return true;
        return false;
    }
}
