package io.denseav.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiet by default: DL4J/ND4J/JavaCPP log only errors (their WARN/INFO start-up noise is hidden);
 * {@code -v} shows their INFO and WARN, {@code -vv} everything at DEBUG.
 */
final class Logging {
    private static final String[] NOISY = {"org.nd4j", "org.deeplearning4j", "org.bytedeco", "org.datavec"};
    private static int verbosity;

    private Logging() {
    }

    static void setVerbosity(int v) {
        verbosity = v;
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext)) return;
        Level libs = v == 0 ? Level.ERROR : v == 1 ? Level.INFO : Level.DEBUG;
        for (String name : NOISY) ((Logger) LoggerFactory.getLogger(name)).setLevel(libs);
        ((Logger) LoggerFactory.getLogger("io.denseav")).setLevel(v >= 2 ? Level.DEBUG : Level.INFO);
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(v == 0 ? Level.WARN : v == 1 ? Level.INFO : Level.DEBUG);
    }

    static int verbosity() {
        return verbosity;
    }
}
