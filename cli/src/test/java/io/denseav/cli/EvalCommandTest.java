package io.denseav.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code denseav eval} on the tiny fixture folder, its outputs, and its one-line errors (exit 2). */
class EvalCommandTest {
    private static final Path MODEL = Fixtures.path("denseav/tiny_2head/model.ckpt");
    private static final Path ONE_HEAD = Fixtures.path("denseav/tiny_1head_nolora/model.ckpt");
    private static final Path DATA = Fixtures.path("eval/prompted");

    @TempDir
    Path tmp;

    private static void assertOneLineError(CliTest.Result r, String expected) {
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("denseav: error: ") && err.contains(expected), err);
    }

    @Test
    void segmentationWritesResultsAndReport() throws IOException {
        Path out = tmp.resolve("results.json"), report = tmp.resolve("report.html");
        CliTest.Result r = CliTest.run("eval", "segmentation", "--model", MODEL.toString(), "--data", DATA.toString(),
                "--prompts", "speech", "--out", out.toString(), "--report", report.toString(), "--no-cache");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("advanced_ap"), r.out());
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals("segmentation", j.get("protocol").asText());
        assertEquals(MODEL.toString(), j.get("settings").get("model").asText());
        assertEquals("speech", j.get("settings").get("prompts").asText());
        assertEquals(4, j.get("per_class").size());
        assertTrue(j.get("summary").has("advanced_iou"));
        String html = Files.readString(report);
        assertTrue(html.contains("data:image/png;base64,") && html.contains("<svg"));
        assertFalse(html.contains("<script"));
        // outputs are not overwritten without --force
        assertOneLineError(CliTest.run("eval", "segmentation", "--model", MODEL.toString(), "--data", DATA.toString(),
                "--out", out.toString(), "--no-cache"), "already exists");
    }

    @Test
    void retrievalAndDisentanglementOnTheTestSplit() throws IOException {
        Path out = tmp.resolve("r.json");
        CliTest.Result r = CliTest.run("eval", "retrieval", "--model", MODEL.toString(), "--data",
                DATA.resolve("pairs.csv").toString(), "--split", "test", "--out", out.toString(), "--no-cache");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals(8, j.get("settings").get("subset").asInt());
        assertEquals("test", j.get("settings").get("split").asText());
        assertTrue(j.get("summary").has("i2a_r10"));
        CliTest.Result d = CliTest.run("eval", "disentanglement", "--model", MODEL.toString(), "--data", DATA.toString(),
                "--split", "test", "--no-cache");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("pred_dis") && d.out().contains("act_dis"), d.out());
    }

    @Test
    void aFolderOfNoKnownLayout() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertOneLineError(CliTest.run("eval", "segmentation", "--model", MODEL.toString(), "--data", empty.toString(),
                "--no-cache"), empty + ": matches no known layout");
        assertOneLineError(CliTest.run("eval", "retrieval", "--model", MODEL.toString(), "--data", empty.toString(),
                "--no-cache"), "not a pairs manifest");
        assertOneLineError(CliTest.run("eval", "localization", "--model", MODEL.toString(), "--data", empty.toString(),
                "--no-cache"), "not a localisation folder");
        Path root = Files.createDirectories(tmp.resolve("tux/test"));
        Files.copy(DATA.resolve("prompted_segmentation.csv"), root.resolve("prompted_segmentation.csv"));
        assertOneLineError(CliTest.run("eval", "segmentation", "--model", MODEL.toString(), "--data",
                tmp.resolve("tux").toString(), "--no-cache"), "add --split test");
        assertOneLineError(CliTest.run("eval", "segmentation", "--model", MODEL.toString(), "--data",
                tmp.resolve("nowhere").toString()), "no such file or folder");
        assertOneLineError(CliTest.run("eval", "segmentation", "--model", MODEL.toString(), "--data", DATA.toString(),
                "--prompts", "music"), "prompts must be speech, sound or both");
    }

    @Test
    void disentanglementNeedsTwoHeads() {
        assertOneLineError(CliTest.run("eval", "disentanglement", "--model", ONE_HEAD.toString(), "--data", DATA.toString(),
                "--no-cache"), "needs a model with 2 similarity heads; this one has K = 1");
    }

    @Test
    void aSubsetLargerThanTheData() {
        assertOneLineError(CliTest.run("eval", "retrieval", "--model", MODEL.toString(), "--data", DATA.toString(),
                "--split", "test", "--subset", "9", "--no-cache"), "subset 9 is larger than the data (8 pairs)");
        assertOneLineError(CliTest.run("eval", "retrieval", "--model", MODEL.toString(), "--data", DATA.toString(),
                "--split", "dev", "--no-cache"), "no rows in split 'dev'");
    }

    @Test
    void corruptMediaNamesTheFile() throws IOException {
        Path dir = tmp.resolve("corrupt");
        try (var s = Files.walk(DATA)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = dir.resolve(DATA.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        Path bad = dir.resolve("audio/speech_0.wav");
        Files.write(bad, new byte[] {'R', 'I', 'F', 'F', 1, 2, 3});
        assertOneLineError(CliTest.run("eval", "retrieval", "--model", MODEL.toString(), "--data", dir.toString(),
                "--no-cache"), bad.toString());
        Path badImage = dir.resolve("frames/img_1.png");
        Files.write(badImage, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        Files.copy(DATA.resolve("audio/speech_0.wav"), bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertOneLineError(CliTest.run("eval", "segmentation", "--model", MODEL.toString(), "--data", dir.toString(),
                "--no-cache"), badImage.toString());
    }

    @Test
    void benchRetrievalPrintsRatesAgainstGemm() {
        CliTest.Result r = CliTest.run("bench", "retrieval", "--items", "12", "--runs", "1", "--grid", "4", "--frames", "6");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("GEMM 1024^3"), r.out());
        assertTrue(r.out().contains("tiled GEMM (evaluation RetrievalScores)") && r.out().contains("% of GEMM"), r.out());
        assertTrue(r.out().contains("DenseAv.scores(SUM)") && r.out().contains("the two paths agree"), r.out());
    }
}
