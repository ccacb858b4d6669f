package io.denseav.evaluation.report;

import io.denseav.data.DataException;
import io.denseav.evaluation.protocols.EvalResult;
import io.denseav.evaluation.viz.HeatmapOverlay;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A self-contained HTML report of an {@link EvalResult}: one file, pictures inlined as base64 PNG, charts as inline
 * SVG, no script and no external style. Sections: the summary and the settings; per-class AP/IoU bars
 * (segmentation); PR curves; the tables (recall@k, AP/Act matrices, success rates); and the best and worst examples
 * as heat-map overlays ({@link HeatmapOverlay}, inferno, alpha = value) with the ground truth outlined in cyan.
 *
 * <pre>{@code HtmlReport.write(result, Path.of("report.html"));}</pre>
 */
public final class HtmlReport {
    /** At most this many PR curves are drawn (the classes with the most prompts first). */
    static final int MAX_CURVES = 24;
    private static final int OUTLINE = 0x00FFFF;

    private HtmlReport() {
    }

    public static void write(EvalResult r, Path out) {
        ResultsJson.writeAtomically(out, render(r), "HTML report");
    }

    public static String render(EvalResult r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>DenseAV evaluation: ")
                .append(Svg.esc(r.protocol())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;color:#111;max-width:1200px}")
                .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:left;font-size:13px;vertical-align:top}th{background:#f2f2f2}")
                .append(".num{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".grid{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;width:236px}")
                .append("figure img{width:224px;height:224px;image-rendering:auto;border:1px solid #999}")
                .append("figcaption{font-size:12px}.big{font-size:20px;font-weight:bold}")
                .append("</style></head><body>\n");
        h.append("<h1>DenseAV evaluation: ").append(Svg.esc(r.protocol())).append("</h1>\n");
        summary(h, r);
        if (!r.perClass().isEmpty()) perClass(h, r);
        for (EvalResult.Table t : r.tables()) table(h, t);
        if (r.protocol().equals("localization") && !r.tables().isEmpty()) successChart(h, r.tables().get(0));
        if (r.protocol().equals("retrieval") && !r.tables().isEmpty()) recallChart(h, r.tables().get(0));
        curves(h, r);
        examples(h, r);
        settings(h, r);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, EvalResult r) {
        h.append("<h2>Summary</h2>\n<table><tr>");
        r.summary().keySet().forEach(k -> h.append("<th>").append(Svg.esc(k)).append("</th>"));
        h.append("</tr><tr>");
        r.summary().values().forEach(v -> h.append("<td class=\"num big\">").append(fmt(v)).append("</td>"));
        h.append("</tr></table>\n");
    }

    private static void settings(StringBuilder h, EvalResult r) {
        h.append("<h2>Settings</h2>\n<table>");
        com.fasterxml.jackson.databind.JsonNode s = ResultsJson.toJson(r).get("settings");
        s.fields().forEachRemaining(e -> h.append("<tr><th>").append(Svg.esc(e.getKey())).append("</th><td>")
                .append(Svg.esc(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()))
                .append("</td></tr>"));
        h.append("</table>\n");
    }

    private static void perClass(StringBuilder h, EvalResult r) {
        h.append("<h2>Per class</h2>\n");
        Map<String, List<EvalResult.ClassMetrics>> byKind = new LinkedHashMap<>();
        for (EvalResult.ClassMetrics c : r.perClass()) byKind.computeIfAbsent(String.valueOf(c.prompts()), k -> new ArrayList<>()).add(c);
        for (Map.Entry<String, List<EvalResult.ClassMetrics>> e : byKind.entrySet()) {
            List<EvalResult.ClassMetrics> cs = e.getValue();
            List<String> names = cs.stream().map(HtmlReport::className).toList();
            List<String> series = new ArrayList<>(List.of("basic AP", "basic IoU"));
            boolean adv = cs.get(0).extra().containsKey("advanced_ap");
            if (adv) series.addAll(List.of("advanced AP", "advanced IoU"));
            double[][] v = new double[series.size()][cs.size()];
            for (int i = 0; i < cs.size(); i++) {
                v[0][i] = cs.get(i).ap();
                v[1][i] = cs.get(i).iou();
                if (adv) {
                    v[2][i] = cs.get(i).extra().get("advanced_ap");
                    v[3][i] = cs.get(i).extra().get("advanced_iou");
                }
            }
            h.append("<h3>").append(Svg.esc(e.getKey())).append(" prompts</h3>\n<div>")
                    .append(Svg.bars(e.getKey() + " prompts: AP and best IoU per class", names, series, v)).append("</div>\n");
            h.append("<table><tr><th>class</th><th>id</th><th>prompts</th>");
            series.forEach(s -> h.append("<th>").append(Svg.esc(s)).append("</th>"));
            h.append("</tr>");
            for (int i = 0; i < cs.size(); i++) {
                h.append("<tr><td>").append(Svg.esc(cs.get(i).className() == null ? "" : cs.get(i).className()))
                        .append("</td><td class=\"num\">").append(cs.get(i).classId()).append("</td><td class=\"num\">")
                        .append(cs.get(i).count()).append("</td>");
                for (double[] col : v) h.append("<td class=\"num\">").append(fmt(col[i])).append("</td>");
                h.append("</tr>");
            }
            h.append("</table>\n");
        }
    }

    private static String className(EvalResult.ClassMetrics c) {
        return c.className() == null ? "class " + c.classId() : c.className();
    }

    private static void table(StringBuilder h, EvalResult.Table t) {
        h.append("<h2>").append(Svg.esc(t.title())).append("</h2>\n<table><tr><th></th>");
        t.columns().forEach(c -> h.append("<th>").append(Svg.esc(c)).append("</th>"));
        h.append("</tr>");
        for (int i = 0; i < t.rows().size(); i++) {
            h.append("<tr><th>").append(Svg.esc(t.rows().get(i))).append("</th>");
            for (double v : t.values()[i]) h.append("<td class=\"num\">").append(fmt(v)).append("</td>");
            h.append("</tr>");
        }
        h.append("</table>\n");
    }

    private static void recallChart(StringBuilder h, EvalResult.Table t) {
        double[][] v = new double[t.rows().size()][];
        for (int i = 0; i < v.length; i++) v[i] = t.values()[i];
        h.append("<div>").append(Svg.bars("Recall@k", t.columns(), t.rows(), v)).append("</div>\n");
    }

    private static void successChart(StringBuilder h, EvalResult.Table t) {
        double[] x = t.columns().stream().mapToDouble(Double::parseDouble).toArray();
        h.append("<div>").append(Svg.lines("Success rate vs cIoU threshold", "cIoU threshold", x, t.rows(), t.values()))
                .append("</div>\n");
    }

    private static void curves(StringBuilder h, EvalResult r) {
        if (r.curves().isEmpty()) return;
        List<EvalResult.Curve> cs = r.curves();
        h.append("<h2>Precision-recall curves</h2>\n");
        if (cs.size() > MAX_CURVES) {
            h.append("<p>").append(MAX_CURVES).append(" of ").append(cs.size()).append(" curves shown.</p>\n");
            cs = cs.subList(0, MAX_CURVES);
        }
        h.append("<div class=\"grid\">");
        for (EvalResult.Curve c : cs) h.append("<div>").append(Svg.prCurve(c.label(), c.curve(), c.ap())).append("</div>");
        h.append("</div>\n");
    }

    private static void examples(StringBuilder h, EvalResult r) {
        if (r.examples().isEmpty()) return;
        h.append("<h2>Examples</h2>\n<p>Heat map (inferno, transparent where low; each picture's own min–max) over the"
                + " 224×224 evaluation crop; the ground truth is outlined in cyan.</p>\n");
        Map<String, List<EvalResult.Example>> groups = new LinkedHashMap<>();
        for (EvalResult.Example e : r.examples()) groups.computeIfAbsent(e.group() + (e.best() ? ": best" : ": worst"), k -> new ArrayList<>()).add(e);
        for (Map.Entry<String, List<EvalResult.Example>> g : groups.entrySet()) {
            h.append("<h3>").append(Svg.esc(g.getKey())).append("</h3>\n<div class=\"grid\">");
            for (EvalResult.Example e : g.getValue()) {
                h.append("<figure><img alt=\"").append(Svg.esc(e.title())).append("\" src=\"data:image/png;base64,")
                        .append(png(overlay(e))).append("\"><figcaption><b>").append(Svg.esc(e.title()))
                        .append("</b><br>").append(Svg.esc(e.caption())).append("</figcaption></figure>");
            }
            h.append("</div>\n");
        }
    }

    /** The heat-map overlay of an example with its ground truth's boundary drawn over it. */
    static BufferedImage overlay(EvalResult.Example e) {
        BufferedImage img = HeatmapOverlay.overlay(e.picture(), e.heat(), HeatmapOverlay.Range.of(e.heat()));
        if (e.truth() != null) {
            int w = img.getWidth(), hgt = img.getHeight();
            for (int y = 0; y < hgt; y++) {
                for (int x = 0; x < w; x++) {
                    if (!e.truth().get(y * w + x)) continue;
                    boolean edge = x == 0 || y == 0 || x == w - 1 || y == hgt - 1 || !e.truth().get(y * w + x - 1)
                            || !e.truth().get(y * w + x + 1) || !e.truth().get((y - 1) * w + x) || !e.truth().get((y + 1) * w + x);
                    if (edge) img.setRGB(x, y, OUTLINE);
                }
            }
        }
        return img;
    }

    static String png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer");
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new DataException(null, "cannot encode PNG: " + e.getMessage(), e);
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
