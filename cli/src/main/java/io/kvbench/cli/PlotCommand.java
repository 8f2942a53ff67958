package io.kvbench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kvbench plot}: runs plot.py with an interpreter that has matplotlib (Debian's /usr/bin/python3 first). */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Draw charts from results files with plot.py (PNG and SVG next to the inputs).",
                "Examples: kvbench plot all results/   |   kvbench plot spectrum a/latency.hgrm b/latency.hgrm --labels A B"})
public final class PlotCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "plot.py arguments: all DIR | spectrum ... | timeseries DIR | elections ... | compare FILE")
    List<String> arguments;

    @Override
    public Integer call() throws Exception {
        return run(arguments);
    }

    /** Runs plot.py; its exit code (0 drawn, 2 bad input, 3 matplotlib missing) is passed through. */
    public static int run(List<String> arguments) throws Exception {
        Path script = Home.directory().resolve("plot.py");
        if (!Files.exists(script)) throw new UsageException("plot.py not found in " + Home.directory() + " (set KVBENCH_HOME)");
        List<String> command = new ArrayList<>(List.of(python(), script.toString()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).inheritIO().start();
        return process.waitFor();
    }

    /** Debian's python3-matplotlib installs for /usr/bin/python3; another python3 first on PATH may lack it. */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
