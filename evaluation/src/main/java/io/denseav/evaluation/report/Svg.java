package io.denseav.evaluation.report;

import io.denseav.evaluation.metrics.AveragePrecision;
import java.util.List;
import java.util.Locale;

/** The report's charts as inline SVG (no script, no external style): grouped bars, PR curves, a line chart. */
public final class Svg {
    static final String[] COLORS = {"#3b6fb6", "#e08a2c", "#4c9a52", "#b8443c", "#7d5ba6", "#8c6d31"};

    private Svg() {
    }

    /**
     * Grouped bars in [0, 1]: one group per category, one bar per series ({@code values[series][category]}; NaN
     * draws no bar and an "n/a" mark).
     */
    static String bars(String title, List<String> categories, List<String> series, double[][] values) {
        int n = categories.size(), k = series.size();
        int group = Math.max(18, 8 + 12 * k), left = 44, top = 44, plotH = 200, bottom = 110;
        int width = Math.max(Math.max(360, left + 20 + n * group), left + 20 + legendWidth(series)), height = top + plotH + bottom;
        StringBuilder s = header(width, height, title);
        axesY(s, left, top, width - 10, plotH);
        for (int c = 0; c < n; c++) {
            int x0 = left + 10 + c * group;
            for (int j = 0; j < k; j++) {
                double v = values[j][c];
                int x = x0 + j * 12;
                if (Double.isNaN(v)) {
                    s.append(text(x + 5, top + plotH - 4, "n/a", 8, "middle", "#999"));
                    continue;
                }
                double h = Math.max(0, Math.min(1, v)) * plotH;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s · %s: %.4f</title></rect>", x, top + plotH - h, h, COLORS[j % COLORS.length],
                        esc(categories.get(c)), esc(series.get(j)), v));
            }
            int cx = x0 + 6 * k;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" "
                    + "transform=\"rotate(-45 %d %d)\">%s</text>", cx, top + plotH + 14, cx, top + plotH + 14,
                    esc(shorten(categories.get(c), 22))));
        }
        legend(s, series, left + 10, 32);
        return s.append("</svg>").toString();
    }

    /** A precision-recall curve (steps, as sklearn's display draws it) with its AP in the title. */
    static String prCurve(String label, AveragePrecision.Curve curve, double ap) {
        int size = 170, left = 44, top = 44, width = left + size + 14, height = top + size + 34;
        StringBuilder s = header(width, height, shorten(label, 34));
        s.append(text(8, 30, String.format(Locale.ROOT, "AP %.4f", ap), 11, "start", "#333"));
        axesY(s, left, top, left + size, size);
        s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\" "
                + "transform=\"rotate(-90 12 %d)\">precision</text>", top + size / 2, top + size / 2));
        s.append(text(left + size / 2, top + size + 28, "recall", 10, "middle", "#333"));
        double[] p = curve.precision(), r = curve.recall();
        StringBuilder d = new StringBuilder();
        // points run from high threshold (low recall) backwards in the arrays; draw by increasing recall
        for (int i = p.length - 1, first = 1; i >= 0; i--, first = 0) {
            double x = left + r[i] * size, y = top + (1 - p[i]) * size;
            if (first == 1) d.append(String.format(Locale.ROOT, "M%.1f %.1f", x, y));
            else d.append(String.format(Locale.ROOT, " V%.1f H%.1f", y, x)); // P_n over (R_n-1, R_n]: area = AP
        }
        s.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(COLORS[0])
                .append("\" stroke-width=\"1.5\"/>");
        for (int i = 0; i <= 4; i++) {
            s.append(text(left + i * size / 4, top + size + 13, String.format(Locale.ROOT, "%.2f", i / 4.0), 9, "middle", "#555"));
        }
        return s.append("</svg>").toString();
    }

    /** One or more series over shared x values, y in [0, 1]. */
    static String lines(String title, String xLabel, double[] x, List<String> series, double[][] y) {
        int w = 420, h = 200, left = 44, top = 44, width = left + w + 16, height = top + h + 40;
        double x0 = x[0], x1 = x[x.length - 1];
        StringBuilder s = header(width, height, title);
        axesY(s, left, top, left + w, h);
        for (int j = 0; j < series.size(); j++) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < x.length; i++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + (x[i] - x0) / (x1 - x0) * w,
                        top + (1 - Math.max(0, Math.min(1, y[j][i]))) * h));
            }
            s.append("<polyline points=\"").append(pts.toString().strip()).append("\" fill=\"none\" stroke=\"")
                    .append(COLORS[j % COLORS.length]).append("\" stroke-width=\"1.5\"/>");
        }
        for (int i = 0; i <= 4; i++) {
            double v = x0 + (x1 - x0) * i / 4;
            s.append(text(left + i * w / 4, top + h + 14, String.format(Locale.ROOT, "%.2f", v), 9, "middle", "#555"));
        }
        s.append(text(left + w / 2, top + h + 32, xLabel, 10, "middle", "#333"));
        if (series.size() > 1) legend(s, series, left + 10, 32);
        return s.append("</svg>").toString();
    }

    private static StringBuilder header(int width, int height, String title) {
        StringBuilder s = new StringBuilder();
        width = Math.max(width, 16 + 7 * title.length());
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">", width, height, width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        s.append(text(8, 14, title, 12, "start", "#111"));
        return s;
    }

    /** The y axis 0..1 with grid lines every 0.25 from x = left to x = right. */
    private static void axesY(StringBuilder s, int left, int top, int right, int h) {
        for (int i = 0; i <= 4; i++) {
            double y = top + h - i * h / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>",
                    left, y, right, y, i == 0 ? "#333" : "#ddd"));
            s.append(text(left - 4, (int) y + 3, String.format(Locale.ROOT, "%.2f", i / 4.0), 9, "end", "#555"));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", left, top,
                left, top + h));
    }

    private static void legend(StringBuilder s, List<String> series, int x, int y) {
        int at = x;
        for (int j = 0; j < series.size(); j++) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", at,
                    y - 9, COLORS[j % COLORS.length]));
            s.append(text(at + 14, y, series.get(j), 10, "start", "#333"));
            at += 24 + 7 * series.get(j).length();
        }
    }

    private static int legendWidth(List<String> series) {
        return series.stream().mapToInt(n -> 24 + 7 * n.length()).sum();
    }

    private static String text(int x, int y, String t, int size, String anchor, String fill) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\">%s</text>",
                x, y, size, anchor, fill, esc(t));
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** XML/HTML text escaping. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
