package org.sparkvi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point: {@code jobs/sparkvi SUBCOMMAND [options]} or {@code spark-submit --class org.sparkvi.cli.Main jar SUBCOMMAND ...}. */
@Command(name = "sparkvi", mixinStandardHelpOptions = true, version = "sparkvi 0.1.0",
        description = "Variational-inference batch jobs on Apache Spark.",
        subcommands = {CaviCommand.class, CaviAssignCommand.class, CaviHistoryCommand.class, ConvertCommand.class,
                SampleCommand.class, GradientsCommand.class, VaeCommand.class, VaeSampleCommand.class,
                FetchMnistCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Main.class);

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        int code = execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command line and returns its exit code; errors are printed as one clear message. */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** As {@link #execute(String...)}, printing to the given writers (null: standard output and error). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        try {
            ConfigFileDefaults defaults = new ConfigFileDefaults(ConfigFileDefaults.scan(args));
            defaults.check(ConfigFileDefaults.commandRun(cl, args));
            cl.setDefaultValueProvider(defaults);
        } catch (UserInputException e) {
            cl.getErr().println("sparkvi: error: " + e.getMessage());
            return 2;
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // a user error may arrive wrapped (e.g. thrown in a Spark task); an IllegalArgumentException counts as one
            // only when the command itself threw it (option validation), not from deep inside a library
            Throwable root = ex;
            while (!(root instanceof UserInputException) && root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (!(root instanceof UserInputException)) {
                root = ex;
            }
            // stderr gets one message; the stack trace goes to the log at debug level only
            if (root instanceof UserInputException || root instanceof IllegalArgumentException) {
                LOG.debug("user error", ex);
                commandLine.getErr().println("sparkvi: error: " + root.getMessage());
                return 2;
            }
            if (root instanceof FailedCheckException) {
                LOG.debug("failed check", ex);
                commandLine.getErr().println("sparkvi: failed: " + root.getMessage());
                return 1;
            }
            LOG.debug("unexpected failure", ex);
            String first = String.valueOf(root).lines().findFirst().orElse(root.getClass().getName());
            commandLine.getErr().println("sparkvi: failed: " + first + " (the stack trace is logged at debug level: "
                    + "set logger.sparkvi.level = debug in conf/log4j2.properties)");
            return 1;
        });
        return cl.execute(args);
    }
}
