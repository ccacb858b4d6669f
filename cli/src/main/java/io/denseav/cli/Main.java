package io.denseav.cli;

import io.denseav.data.DataException;
import io.denseav.modelimport.CheckpointException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code denseav} command: a thin layer over the library APIs of the modules. */
@Command(name = "denseav", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "DenseAV (Hamilton et al., CVPR 2024) on the JVM: audio-visual grounding with DL4J/SameDiff.",
        subcommands = {InspectCommand.class, ConvertCommand.class, FeaturesCommand.class, HeatmapCommand.class, RetrieveCommand.class, VideoCommand.class,
                DatasetCommand.class, TrainCommand.class, DemoCommand.class, EvalCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code for bad input (a file that cannot be read as asked). */
    public static final int EXIT_BAD_INPUT = 2;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show library logging (DL4J/ND4J warnings) and stack traces of errors; -vv for debug output.")
    void verbose(boolean[] flags) {
        Logging.setVerbosity(flags.length);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        Backend.choose(args); // before anything loads ND4J
        long cacheMb = Long.getLong("denseav.activationCacheMb", 0); // M2.1's shape-keyed cache, capped
        if (cacheMb > 0) io.denseav.graphs.Graphs.boundActivationCache(cacheMb << 20);
        else if (!Backend.training(args)) { // training keeps M2.1's cache
            // the first run of each graph is recorded in a pool of at most this size, later runs use the plan
            io.denseav.graphs.Graphs.planActivations(Long.getLong("denseav.activationPlanMb", 128) << 20);
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (used by tests too). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Logging.setVerbosity(0);
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable e = ex;
            while (e.getCause() != null && !(e instanceof CheckpointException || e instanceof DataException)) e = e.getCause();
            if (e instanceof CheckpointException || e instanceof BadInputException || e instanceof DataException) {
                err.println("denseav: error: " + e.getMessage());
                if (Logging.verbosity() > 0) ex.printStackTrace(err);
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof java.io.UncheckedIOException || ex instanceof java.io.IOException) {
                err.println("denseav: error: " + ex.getMessage()); // disk full, permissions: not our bug
                if (Logging.verbosity() > 0) ex.printStackTrace(err);
                return 1;
            }
            err.println("denseav: internal error: " + ex + (Logging.verbosity() > 0 ? "" : " (run with -v for the stack trace)"));
            if (Logging.verbosity() > 0) ex.printStackTrace(err);
            return 1;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("denseav: " + ex.getMessage());
            err.println("Try 'denseav " + ex.getCommandLine().getCommandName().replace("denseav", "").trim() + " --help'.");
            return EXIT_BAD_INPUT;
        });
        return cli.execute(args);
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"denseav " + (v == null ? "dev" : v) + " (DL4J/ND4J 1.0.0-M2.1)"};
        }
    }
}
