package org.sparkvi.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jobs/bench COMMAND [options]}: benchmarks (not tests), each beside its peer in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "sparkvi benchmarks",
        subcommands = {CaviJobBenchmark.class, CaviBenchmark.class, VaeBenchmark.class, SamplerBenchmark.class,
                CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new BenchMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
