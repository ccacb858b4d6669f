package io.denseav.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Without a TTY the progress bar degrades to a few log lines. */
class ConsoleProgressTest {
    @Test
    void logsDecilesWithoutATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(buf, true), false, 0);
        p.start("writing x", 1000);
        for (int i = 0; i < 1000; i++) p.step(1);
        p.done();
        String log = buf.toString();
        long lines = log.lines().count();
        assertTrue(log.contains("writing x: 50% (500/1000)") && log.contains("done in"), log);
        assertTrue(lines >= 11 && lines <= 13, "start, 10 deciles, done: " + log);
    }

    @Test
    void shortStepsLogOnlyStartAndDone() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(buf, true), false);
        p.start("writing y", 10);
        for (int i = 0; i < 10; i++) p.step(1);
        p.done();
        assertTrue(buf.toString().lines().count() == 2, buf.toString());
    }
}
