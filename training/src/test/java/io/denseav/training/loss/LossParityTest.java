package io.denseav.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.graphs.OpGuard;
import io.denseav.graphs.SimilarityVolume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every DenseAV loss term and the weighted total against an independent float64 torch reference written from the
 * spec (test-fixtures/denseav_fixtures/loss_goldens.py): values in FLOAT (max|Δ| ≤ 1e-4·|ref|), and values plus
 * autograd gradients w.r.t. the audio features, the image features and w_log in DOUBLE (≤ 1e-9 relative), for
 * K = 2 (silence on, w below its initial value), K = 1 (h ≠ w, silence off) and K = 4 (w clamped at 100).
 */
class LossParityTest {
    static final double FLOAT_TOL = 1e-4;
    static final double DOUBLE_TOL = 1e-9;
    private DataType before;

    @BeforeEach
    void remember() {
        before = Nd4j.dataType();
    }

    @AfterEach
    void restore() {
        Nd4j.setDefaultDataTypes(before, before);
    }

    /** One case as a graph: features and w_log are VARIABLES (so they get gradients), everything else constants. */
    static final class Graph {
        final SameDiff sd = SameDiff.create();
        final LossCase c;
        final SDVariable audio, image, wLog, mask, pos, source, imageMaskFull, nonnegAudio, nonnegImage, silence;

        Graph(LossCase c, DataType dt) {
            this.c = c;
            Nd4j.setDefaultDataTypes(dt, dt);
            audio = sd.var("audio", c.npy("audio").castTo(dt));
            image = sd.var("image", c.npy("image").castTo(dt));
            wLog = sd.var(InfoNce.W_LOG, c.npy("w_log").castTo(dt));
            mask = sd.constant("frame_mask", c.npy("frame_mask").castTo(dt));
            pos = sd.constant("pos_mask", c.npy("pos_mask").castTo(dt));
            source = sd.constant("source", c.npy("source"));
            imageMaskFull = sd.constant("image_mask_full", c.npy("image_mask_full").castTo(dt));
            nonnegAudio = sd.constant("nonneg_audio_rows", c.npy("nonneg_audio_rows"));
            nonnegImage = sd.constant("nonneg_image_rows", c.npy("nonneg_image_rows"));
            silence = c.has("silence_rows") ? sd.constant("silence_rows", c.npy("silence_rows")) : null;
        }

        SDVariable paired() {
            LossDims d = c.dims;
            return SimilarityVolume.paired(audio, image, mask, d.heads(), d.code(), d.batch(), d.h(), d.w(), d.t());
        }

        /** One term built from its own class. */
        SDVariable term(String term) {
            LossDims d = c.dims;
            switch (term) {
                case "nce": return InfoNce.loss(InfoNce.scores(audio, image, mask, d), wLog, d.batch());
                case "cal_balance": return CalibrationBalance.loss(wLog, c.meta.get("cal_init").asDouble());
                case "nonneg": return NonNegativity.loss(audio, image, nonnegAudio, nonnegImage, d);
                case "silence_l1": return SilenceL1.loss(audio, image, silence, d);
                case "neg_audio": return NegativeAudio.loss(paired(), mask, pos, d);
                case "tv": return TemporalTv.loss(paired(), d);
                case "disentangle": return Disentanglement.loss(paired(), source, d);
                case "specialize": return HeadSpecialization.loss(paired(), d);
                case "image_mixup": {
                    long[] s = imageMaskFull.getShape();
                    SDVariable pooled = QuadMixup.pool(imageMaskFull, d.batch(), (int) s[2], (int) s[3], d.h(), d.w());
                    return QuadMixup.loss(paired(), pooled, d);
                }
                default: throw new IllegalArgumentException(term);
            }
        }

        DenseAvLoss.Terms full(boolean fullResolutionMask) {
            SDVariable imageMask = fullResolutionMask ? imageMaskFull : sd.constant(c.npy("image_mask").castTo(audio.dataType()));
            DenseAvLoss.Inputs in = new DenseAvLoss.Inputs(audio, image, mask, pos, source, imageMask, nonnegAudio, nonnegImage,
                    silence, null); // null: the existing sim_cal.w variable is found by name
            return DenseAvLoss.build(in, c.dims, c.weights());
        }

        /** The inputs {@code term} depends on; the goldens of the others must be zero. */
        List<String> dependsOn(String term) {
            switch (term) {
                case "nce": return List.of("audio", "image", InfoNce.W_LOG);
                case "cal_balance": return List.of(InfoNce.W_LOG);
                case "silence_l1": return silence == null ? List.of() : List.of("audio", "image");
                default: return List.of("audio", "image");
            }
        }

        /** Value and gradients in double against the goldens of {@code golden} ("total" or a term). */
        void checkGradients(SDVariable loss, String golden, List<String> wrt) {
            sd.setLossVariables(loss.name());
            Map<String, INDArray> grads = wrt.isEmpty() ? Map.of() : sd.calculateGradients(Map.of(), wrt);
            for (String input : LossCase.WRT) {
                String var = input.equals("w_log") ? InfoNce.W_LOG : input;
                INDArray ref = c.npy("grad_" + golden + "_" + input);
                INDArray got = grads.get(var);
                String what = c.name + " d" + golden + "/d" + input;
                if (got == null) {
                    assertEquals(0.0, ref.amaxNumber().doubleValue(), 0.0, what + ": the reference depends on it");
                } else {
                    LossCase.assertClose(ref, got, DOUBLE_TOL, what);
                }
            }
        }
    }

    static Stream<Arguments> termsOfEveryCase() {
        List<Arguments> out = new ArrayList<>();
        for (String name : List.of("k2", "k1", "k4")) {
            LossCase c = new LossCase(name);
            for (String t : LossCase.TERMS) if (c.value(t) != null) out.add(Arguments.of(name, t));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("termsOfEveryCase")
    void eachTermValueAndGradientsInDouble(String name, String term) {
        Graph g = new Graph(new LossCase(name), DataType.DOUBLE);
        SDVariable loss = g.sd.identity("loss", g.term(term));
        LossCase.assertClose(g.c.value(term), loss.eval().getDouble(0), DOUBLE_TOL, name + " " + term);
        g.checkGradients(loss, term, g.dependsOn(term));
        assertTrue(OpGuard.violations(g.sd).isEmpty(), () -> "broken M2.1 ops: " + OpGuard.violations(g.sd));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k2", "k1", "k4"})
    void totalValueAndGradientsInDouble(String name) {
        Graph g = new Graph(new LossCase(name), DataType.DOUBLE);
        DenseAvLoss.Terms terms = g.full(true);
        Set<String> built = new TreeSet<>();
        terms.terms().keySet().forEach(k -> built.add(k.substring("loss/".length())));
        Set<String> reference = new TreeSet<>();
        for (String t : LossCase.TERMS) {
            Double v = g.c.value(t);
            if (v != null && g.c.weight(t) > 0 && !(t.equals("silence_l1") && g.silence == null)) reference.add(t);
        }
        assertEquals(reference, built, "terms built");
        Map<String, INDArray> out = g.sd.output(Map.of(), new ArrayList<>(terms.terms().keySet()));
        for (String t : built) {
            LossCase.assertClose(g.c.value(t), out.get("loss/" + t).getDouble(0), DOUBLE_TOL, name + " " + t + " in the total graph");
        }
        LossCase.assertClose(g.c.value("total"), terms.total().eval().getDouble(0), DOUBLE_TOL, name + " total");
        g.checkGradients(terms.total(), "total", List.of("audio", "image", InfoNce.W_LOG));
        assertTrue(OpGuard.violations(g.sd).isEmpty(), () -> "broken M2.1 ops: " + OpGuard.violations(g.sd));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k2", "k1", "k4"})
    void everyTermInFloat(String name) {
        Graph g = new Graph(new LossCase(name), DataType.FLOAT);
        DenseAvLoss.Terms terms = g.full(false);
        List<String> names = new ArrayList<>(terms.terms().keySet());
        names.add(DenseAvLoss.TOTAL);
        Map<String, INDArray> out = g.sd.output(Map.of(), names);
        for (String n : names) {
            INDArray v = out.get(n);
            assertEquals(DataType.FLOAT, v.dataType(), n);
            LossCase.assertClose(g.c.value(n.substring("loss/".length())), v.getDouble(0), FLOAT_TOL, name + " " + n + " (float)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k2", "k1", "k4"})
    void maskPoolingIsAdaptiveAveragePooling(String name) {
        Graph g = new Graph(new LossCase(name), DataType.DOUBLE);
        LossDims d = g.c.dims;
        long[] s = g.imageMaskFull.getShape();
        INDArray pooled = QuadMixup.pool(g.imageMaskFull, d.batch(), (int) s[2], (int) s[3], d.h(), d.w()).eval();
        LossCase.assertClose(g.c.npy("image_mask"), pooled, 1e-15, name + " pooled mask");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k2", "k1", "k4"})
    void scoresMatchTheReference(String name) {
        Graph g = new Graph(new LossCase(name), DataType.DOUBLE);
        INDArray s = InfoNce.scores(g.audio, g.image, g.mask, g.c.dims).eval();
        LossCase.assertClose(g.c.npy("scores"), s, DOUBLE_TOL, name + " S");
    }
}
