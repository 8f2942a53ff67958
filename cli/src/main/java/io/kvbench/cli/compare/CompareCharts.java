package io.kvbench.cli.compare;

import io.kvbench.cli.PlotCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The comparison's charts, drawn by plot.py from the folder's files: {@code compare.png} (delta per metric with
 * the intervals' whiskers, {@code plot.py compare}) and, from compare-runs.csv, {@code compare-rounds.png} (each
 * round's value of A and B per metric), {@code compare-spectra.png} (latency spectra of A's and B's runs overlaid,
 * one panel per configuration) and {@code compare-elections.png} (election CDFs of A and B overlaid), by
 * {@code plot.py versions}.
 */
final class CompareCharts {

    static final List<String> CHARTS = List.of("compare.png", "compare-rounds.png", "compare-spectra.png",
            "compare-elections.png");

    private CompareCharts() {
    }

    /** Draws what the files allow; returns the charts that exist (names relative to the folder). */
    static List<String> draw(Path directory, PrintWriter errors) {
        String folder = directory.toAbsolutePath().toString();
        for (List<String> arguments : List.of(
                List.of("compare", directory.resolve("compare.csv").toAbsolutePath().toString(), "--out",
                        directory.resolve("compare").toAbsolutePath().toString()),
                List.of("versions", folder))) {
            try {
                int exitCode = PlotCommand.run(arguments);
                if (exitCode != 0) {
                    errors.println("kvbench compare: plot.py " + arguments.get(0) + " exited with " + exitCode
                            + " (3: matplotlib missing); the figures are in the CSV files");
                }
            } catch (Exception failure) {
                errors.println("kvbench compare: charts not drawn: " + failure.getMessage());
            }
        }
        errors.flush();
        List<String> drawn = new ArrayList<>();
        for (String chart : CHARTS) {
            if (Files.isRegularFile(directory.resolve(chart))) {
                drawn.add(chart);
            }
        }
        return drawn;
    }
}
