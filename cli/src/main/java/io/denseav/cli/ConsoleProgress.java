package io.denseav.cli;

import io.denseav.modelimport.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on the console: a live bar on a terminal; without a TTY (CI, pipes, logs) a start line, a line every
 * 10% or 10 seconds once the step has run for a second, and a done line, so logs stay readable.
 */
final class ConsoleProgress implements Progress {
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final long QUIET_START_NANOS = 1_000_000_000L;

    private final PrintStream err;
    private final boolean tty;
    private final long quietStartNanos;
    private ProgressBar bar;
    private String task;
    private long total;
    private long current;
    private long lastLogNanos;
    private int lastDecile;
    private long startNanos;

    ConsoleProgress(PrintStream err) {
        this(err, System.console() != null && !"dumb".equals(System.getenv("TERM")));
    }

    ConsoleProgress(PrintStream err, boolean tty) {
        this(err, tty, QUIET_START_NANOS);
    }

    /** {@code quietStartNanos}: no intermediate lines before the step has run this long (short steps log 2 lines). */
    ConsoleProgress(PrintStream err, boolean tty, long quietStartNanos) {
        this.err = err;
        this.tty = tty;
        this.quietStartNanos = quietStartNanos;
    }

    @Override
    public void start(String task, long total) {
        done();
        this.task = task;
        this.total = Math.max(total, 0);
        this.current = 0;
        this.lastDecile = 0;
        this.startNanos = System.nanoTime();
        this.lastLogNanos = startNanos;
        if (tty) {
            boolean bytes = task.startsWith("writing") || task.startsWith("reading");
            ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(this.total)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(err))
                    .setUpdateIntervalMillis(200).showSpeed();
            if (bytes) b.setUnit(" MB", 1 << 20);
            bar = b.build();
        } else {
            err.println("denseav: " + task + " ...");
        }
    }

    @Override
    public void step(long units) {
        current += units;
        if (bar != null) {
            bar.stepBy(units);
            return;
        }
        if (task == null) return;
        long now = System.nanoTime();
        int decile = total > 0 ? (int) Math.min(10, current * 10 / total) : 0;
        if (now - startNanos < quietStartNanos) return;
        if (decile > lastDecile || now - lastLogNanos > LOG_INTERVAL_NANOS) {
            lastDecile = decile;
            lastLogNanos = now;
            err.printf("denseav: %s: %d%% (%d/%d)%n", task, total > 0 ? current * 100 / total : 0, current, total);
        }
    }

    @Override
    public void done() {
        if (bar != null) {
            bar.close();
            bar = null;
        } else if (task != null) {
            err.printf("denseav: %s: done in %.1f s%n", task, (System.nanoTime() - startNanos) / 1e9);
        }
        task = null;
    }
}
