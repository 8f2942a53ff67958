package io.kvbench.cli;

import io.kvbench.cli.report.ReportPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kvbench report DIR}: (re)builds a run folder's report.html, optionally redrawing its charts first. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Build (or rebuild) DIR/report.html: what ran, the verdict, the summary, every chart, run.json and the raw files.",
                "A static page with everything linked relatively: open it from disk, copy or zip the folder with it.",
                "load, chaos, demo, sweep and compare write one at the end of their run."})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A run's folder, e.g. results/<version>/chaos-kvnode-kill-leader/<time>/.")
    Path directory;

    @Option(names = "--plot", description = "Redraw the folder's charts first (kvbench plot all DIR).")
    boolean plot;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(directory)) throw new UsageException(directory + ": no such folder");
        if (plot) {
            int drawn = PlotCommand.run(List.of("all", directory.toString()));
            if (drawn != 0) System.err.println("kvbench report: plot.py exited " + drawn + "; the page links the charts that exist");
        }
        System.out.println("report: " + ReportPage.write(directory));
        return KvbenchMain.EXIT_OK;
    }

    /** For the commands that write a run folder: builds its page and says where; a failure is said, never fatal to the run. */
    static void writeFor(Path runDirectory) {
        try {
            System.out.println("report: " + ReportPage.write(runDirectory));
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("kvbench: report.html not written: " + e.getMessage());
        }
    }
}
