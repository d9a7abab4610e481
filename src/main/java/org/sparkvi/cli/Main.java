package org.sparkvi.cli;

import org.sparkvi.FailedCheckException;
import org.sparkvi.UserInputException;

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
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> ErrorReport.report(ex, commandLine.getErr()));
        return cl.execute(args);
    }
}
