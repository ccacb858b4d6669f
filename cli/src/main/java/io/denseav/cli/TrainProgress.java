package io.denseav.cli;

import io.denseav.training.Trainer;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: phase, step, the loss and its terms, the learning rate, samples/s and the ETA. A live bar on a
 * terminal; otherwise (CI, logs) one line every {@code every} steps and at the end.
 */
final class TrainProgress implements AutoCloseable {
    private final PrintWriter out;
    private final long total;
    private final int batch;
    private final int every;
    private final ProgressBar bar;
    private long startNanos = -1;
    private long startStep;
    private long lastNanos;
    private boolean closed;

    /** @param bar where a live bar goes (a terminal's stderr), or null for progress lines on {@code out} */
    TrainProgress(PrintWriter out, PrintStream bar, long total, int batch, int every) {
        this.out = out;
        this.total = total;
        this.batch = batch;
        this.every = every;
        this.bar = bar != null ? new ProgressBarBuilder().setTaskName("train").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(bar)).setUpdateIntervalMillis(500).build() : null;
    }

    void step(Trainer.Step s) {
        long now = System.nanoTime();
        if (startNanos < 0) { // the first step of this invocation (after a resume, not step 0); its graph build is timed too
            startNanos = lastNanos = now;
            startStep = s.step();
            if (bar != null) bar.stepTo(s.step());
        }
        long done = s.step() + 1 - startStep;
        double perStep = done > 1 ? (now - startNanos) / 1e9 / (done - 1) : Double.NaN;
        String terms = terms(s.losses());
        String rate = Double.isNaN(perStep) ? "" : String.format(Locale.ROOT, " %.1f samples/s", batch / perStep);
        if (bar != null) {
            bar.stepTo(s.step() + 1);
            bar.setExtraMessage(String.format(Locale.ROOT, " phase %d lr %.1e %s%s", s.phase(), s.lr(), terms, rate));
            return;
        }
        if ((s.step() + 1) % every != 0 && s.step() + 1 != total) return;
        String eta = Double.isNaN(perStep) ? "" : " ETA " + format(Duration.ofSeconds(Math.round(perStep * (total - s.step() - 1))));
        String time = done == 1 ? "" : String.format(Locale.ROOT, " (%.2f s/step%s%s)", (now - lastNanos) / 1e9 / Math.min(every, done - 1), rate, eta);
        out.printf(Locale.ROOT, "step %d/%d phase %d lr %.2e %s%s%n", s.step() + 1, total, s.phase(), s.lr(), terms, time);
        out.flush();
        lastNanos = now;
    }

    void validation(Trainer.Validation v) {
        long spent = Math.round(v.seconds() * 1e9); // not training time: keep it out of s/step and the ETA
        startNanos += spent;
        lastNanos += spent;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "validation at step %d (%.0f s):", v.step(), v.seconds()));
        v.metrics().forEach((k, x) -> sb.append(String.format(Locale.ROOT, " %s %.4f", k.replace("val/", ""), x)));
        if (v.error() != null) sb.append(" failed: ").append(v.error());
        if (bar != null) bar.pause();
        out.println(sb);
        out.flush();
        if (bar != null) bar.resume();
    }

    private static String terms(Map<String, Double> losses) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(String.format(Locale.ROOT, "%s %.4f", e.getKey().replace("loss/", ""), e.getValue()));
        }
        return sb.toString();
    }

    private static String format(Duration d) {
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    @Override
    public void close() {
        if (bar != null && !closed) bar.close();
        closed = true;
    }
}
