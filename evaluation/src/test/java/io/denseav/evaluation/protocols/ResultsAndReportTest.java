package io.denseav.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.evaluation.report.HtmlReport;
import io.denseav.evaluation.report.ResultsJson;
import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Progress;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results JSON schema of each protocol, and the self-contained HTML report. */
class ResultsAndReportTest {
    private static DenseAv model;
    private static EvalResult segmentation, retrieval, disentanglement, localization;

    @TempDir
    Path tmp;

    @BeforeAll
    static void run() {
        model = DenseAv.load(EvalGoldens.model());
        Features f = EvalGoldens.features(model, EvalGoldens.sharedCache());
        Path data = EvalGoldens.data();
        segmentation = PromptedSegmentation.builder().setData(data).build().run(f, Progress.NONE)
                .setting("model", EvalGoldens.model().toString());
        retrieval = Retrieval.builder().setData(data).optSplit("test").build().run(f, Progress.NONE);
        disentanglement = DisentanglementEval.builder().setData(data).optSplit("test").build().run(f, Progress.NONE);
        localization = LocalizationEval.builder().setData(data).build().run(f, Progress.NONE);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode json(EvalResult r) throws Exception {
        return new ObjectMapper().readTree(ResultsJson.toString(r)); // through the text, as a reader sees it
    }

    @Test
    void jsonSchemaKeys() throws Exception {
        JsonNode s = json(segmentation);
        assertEquals(List.of("protocol", "settings", "per_class", "summary"), keys(s));
        assertEquals("segmentation", s.get("protocol").asText());
        assertEquals(List.of("model", "data", "subset", "prompts", "split"), keys(s.get("settings")).subList(0, 5));
        assertEquals(EvalGoldens.model().toString(), s.get("settings").get("model").asText());
        assertEquals("both", s.get("settings").get("prompts").asText());
        assertTrue(s.get("settings").get("subset").isNull());
        assertEquals(List.of("speech_basic_ap", "speech_basic_iou", "speech_advanced_ap", "speech_advanced_iou",
                "sound_basic_ap", "sound_basic_iou"), keys(s.get("summary")));
        JsonNode speechClass = s.get("per_class").get(0), soundClass = s.get("per_class").get(s.get("per_class").size() - 1);
        assertEquals(List.of("prompts", "class_id", "class_name", "ap", "iou", "count", "advanced_ap", "advanced_iou"),
                keys(speechClass));
        assertEquals(List.of("prompts", "class_id", "class_name", "ap", "iou", "count"), keys(soundClass));
        assertEquals("speech", speechClass.get("prompts").asText());
        assertEquals(12, speechClass.get("class_id").asInt());
        assertEquals("person", speechClass.get("class_name").asText());

        assertEquals(List.of("a2i_r1", "a2i_r5", "a2i_r10", "i2a_r1", "i2a_r5", "i2a_r10"), keys(json(retrieval).get("summary")));
        assertEquals("test", json(retrieval).get("settings").get("split").asText());
        assertEquals(8, json(retrieval).get("settings").get("subset").asInt());
        assertEquals(List.of("pred_dis", "act_dis"), keys(json(disentanglement).get("summary")));
        assertEquals(List.of("ciou", "auc"), keys(json(localization).get("summary")));
        for (EvalResult r : List.of(segmentation, retrieval, disentanglement, localization)) {
            JsonNode j = json(r);
            assertEquals(r.protocol(), j.get("protocol").asText());
            assertEquals(List.of("model", "data", "subset", "prompts", "split"), keys(j.get("settings")).subList(0, 5));
            assertTrue(j.get("per_class").isArray());
            for (Iterator<JsonNode> it = j.get("summary").elements(); it.hasNext(); ) {
                double v = it.next().asDouble();
                assertTrue(v >= 0 && v <= 1, r.protocol() + " summary value " + v);
            }
        }
        Path out = tmp.resolve("r.json");
        ResultsJson.write(segmentation, out);
        assertEquals(s, new ObjectMapper().readTree(out.toFile()));
    }

    @Test
    void htmlReportIsSelfContainedWithChartsAndOverlays() throws Exception {
        Path dir = Path.of("target", "report-check");
        Files.createDirectories(dir);
        for (EvalResult r : List.of(segmentation, retrieval, disentanglement, localization)) {
            String html = HtmlReport.render(r);
            Files.writeString(dir.resolve(r.protocol() + ".html"), html);
            assertFalse(html.contains("<script"), "no script");
            assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(html).find(), "no external resource");
            assertFalse(html.contains("<link"), "no external style");
            assertTrue(html.contains("<svg") || r.protocol().equals("retrieval") && html.contains("R@10"), r.protocol());
            assertTrue(html.contains("</html>"));
        }
        String seg = HtmlReport.render(segmentation);
        assertTrue(seg.contains("AP and best IoU per class"));
        assertTrue(seg.contains("Precision-recall curves"));
        assertTrue(seg.contains("speech (advanced heat map): best"));
        assertTrue(seg.contains("sound (basic heat map): worst"));
        assertTrue(HtmlReport.render(retrieval).contains("audio → image (a2i)"));
        // the first overlay decodes back to a 224x224 picture; it and the first chart are kept for a look by eye
        Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(seg);
        assertTrue(m.find());
        byte[] png = Base64.getDecoder().decode(m.group(1));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img);
        assertEquals(224, img.getWidth());
        assertEquals(224, img.getHeight());
        Files.write(dir.resolve("first-overlay.png"), png);
        Matcher svg = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(seg);
        assertTrue(svg.find());
        Files.writeString(dir.resolve("first-chart.svg"), svg.group());
        Matcher pr = Pattern.compile("<svg[^>]*>(?:(?!</svg>).)*recall(?:(?!</svg>).)*</svg>", Pattern.DOTALL).matcher(seg);
        assertTrue(pr.find());
        Files.writeString(dir.resolve("first-pr-curve.svg"), pr.group());
        Path out = tmp.resolve("report.html");
        HtmlReport.write(segmentation, out);
        assertEquals(seg, Files.readString(out));
    }
}
