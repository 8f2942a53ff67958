package io.kvbench.cli.release;

import io.kvbench.cli.Home;
import io.kvbench.cli.PlotCommand;
import io.kvbench.cli.compare.CommandFailures;
import io.kvbench.cli.compare.GitRepository;
import io.kvbench.cli.compare.ReleasesFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvbench history}: the headline figures by release, from RELEASES.md (the gate's write p50/p99 over the
 * floor, election and unavailability p50/p99) and the results folders (peak throughput against etcd, from
 * reference runs of the release's commit: {@link PeakRatios}); one CSV and one chart. Exit codes: 0 written, 1 a
 * step failed, 2 bad usage or input.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Draw the headline figures by release: write p50/p99 over the floor, peak throughput against etcd, "
                + "election and unavailability p50/p99.",
                "Reads RELEASES.md (kvbench release) and, for the throughput ratio, kvnode and etcd closed-loop runs of each "
                        + "release's commit under the results folder (reference runs). Writes history.csv and history.png."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written (or nothing released yet)", "1:a step failed", "2:bad usage or input%n"})
public final class HistoryCommand implements Callable<Integer> {

    public static final List<String> CSV_COLUMNS = List.of("release", "commit", "date", "write_p50_over_floor",
            "write_p99_over_floor", "peak_throughput_ratio_to_etcd", "peak_clients", "peak_ratio_runs",
            "election_p50_ms", "election_p99_ms", "unavailability_p50_ms", "unavailability_p99_ms", "machine");

    @Option(names = "--repo", paramLabel = "DIR", description = "the git clone with RELEASES.md (default: the kvbench checkout)")
    Path repository;

    @Option(names = "--results", paramLabel = "DIR", description = "where to look for runs of each release (default: results/ in the clone)")
    Path results;

    @Option(names = "--out", paramLabel = "DIR", description = "where history.csv and the chart go (default: results/history/ in the clone)")
    Path out;

    @Option(names = "--no-plot", description = "write the CSV only")
    boolean noPlot;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter output = spec.commandLine().getOut();
        PrintWriter errors = spec.commandLine().getErr();
        return CommandFailures.run("history", errors, () -> {
            GitRepository git = GitRepository.containing(repository != null ? repository : Home.directory());
            ReleasesFile releases = ReleasesFile.in(git.root());
            if (releases.releases().isEmpty()) {
                output.println("history: " + releases.file() + " records no release yet (kvbench release NAME makes one)");
                output.flush();
                return 0;
            }
            Path resultsRoot = results != null ? results : git.root().resolve("results");
            Path folder = out != null ? out : git.root().resolve("results").resolve("history");
            List<List<String>> rows = new ArrayList<>();
            for (ReleasesFile.Release release : releases.releases()) {
                rows.add(row(release, PeakRatios.of(resultsRoot, release.commit())));
            }
            Path csv = folder.resolve("history.csv");
            write(csv, rows);
            output.print(render(rows));
            output.println("history: wrote " + csv);
            output.flush();
            if (!noPlot) {
                draw(csv, folder.resolve("history"), errors);
            }
            return 0;
        });
    }

    private static void draw(Path csv, Path prefix, PrintWriter errors) {
        try {
            int exitCode = PlotCommand.run(List.of("history", csv.toString(), "--out", prefix.toString()));
            if (exitCode != 0) {
                errors.println("history: plot.py exited with " + exitCode + " (3: matplotlib missing); the figures are in " + csv);
            }
        } catch (Exception failure) {
            errors.println("history: chart not drawn: " + failure.getMessage() + "; the figures are in " + csv);
        }
        errors.flush();
    }

    private static List<String> row(ReleasesFile.Release release, PeakRatios.Ratio ratio) {
        return List.of(release.name(), release.commit(), release.date(), number(release.writeP50OverFloor()),
                number(release.writeP99OverFloor()), ratio == null ? "" : number(ratio.ratio()),
                ratio == null ? "" : Integer.toString(ratio.clients()), ratio == null ? "" : Integer.toString(ratio.batches()),
                number(release.electionP50Millis()), number(release.electionP99Millis()),
                number(release.unavailabilityP50Millis()), number(release.unavailabilityP99Millis()),
                release.machine().equals("-") ? "" : release.machine());
    }

    private static void write(Path file, List<List<String>> rows) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
                        .setHeader(CSV_COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (List<String> row : rows) {
                printer.printRecord(row);
            }
        }
    }

    private static String render(List<List<String>> rows) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-20s %-12s %-17s %-10s %-8s %-14s %-14s%n",
                "release", "commit", "write p50/p99 xf", "peak/etcd", "clients", "election ms", "unavail. ms"));
        for (List<String> row : rows) {
            text.append(String.format(Locale.ROOT, "%-20s %-12s %-17s %-10s %-8s %-14s %-14s%n", row.get(0),
                    row.get(1).substring(0, 12), dash(row.get(3)) + " / " + dash(row.get(4)), dash(row.get(5)),
                    dash(row.get(6)), dash(row.get(8)) + " / " + dash(row.get(9)),
                    dash(row.get(10)) + " / " + dash(row.get(11))));
        }
        if (rows.stream().anyMatch(row -> row.get(5).isEmpty())) {
            text.append("peak/etcd: '-' where no kvnode and etcd closed-loop runs of that commit were found side by side "
                    + "under the results folder (reference runs: java -cp bench/target/benchmarks.jar "
                    + "io.kvbench.bench.reference.ReferenceRuns)\n");
        }
        return text.toString();
    }

    private static String dash(String cell) {
        return cell.isEmpty() ? "-" : cell;
    }

    private static String number(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
