package io.kvbench.cli.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.cli.compare.GitTestRepository;
import io.kvbench.cli.compare.ReleasesFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HistoryCommandTest {

    @TempDir
    Path temporary;

    @Test
    void headlineFiguresByReleaseWithThePeakRatioFromRunsOfTheReleasedCommit() throws Exception {
        GitTestRepository repository = new GitTestRepository(temporary.resolve("repo"));
        String first = "1".repeat(40);
        String second = "2".repeat(40);
        Files.writeString(repository.root().resolve(ReleasesFile.NAME), "# Releases\n\n"
                + "| " + String.join(" | ", ReleasesFile.COLUMNS) + " |\n|---|---|---|---|---|---|---|---|\n"
                + "| v0.11 | " + first + " | 2026-12-01 10:00 UTC | 2.90 / 8.10 | 20.1 / 40.5 | 27.1 / 82.1 | pass | 2 cores |\n"
                + "| v0.12 | " + second + " | 2026-12-08 10:00 UTC | 2.50 / - | 19.0 / 35.0 | 25.0 / 60.0 | pass | 2 cores |\n");
        Path results = temporary.resolve("results");
        // A reference rerun of v0.11's commit: kvnode and etcd side by side at 16 and 64 clients.
        Path rerun = results.resolve("reference").resolve("rerun-111");
        io.kvbench.cli.compare.TestRuns.peakRun(rerun.resolve("kvnode-peak-16-clients"), "kvnode", 16, 12000, first);
        io.kvbench.cli.compare.TestRuns.peakRun(rerun.resolve("etcd-peak-16-clients"), "etcd", 16, 1500, first);
        io.kvbench.cli.compare.TestRuns.peakRun(rerun.resolve("kvnode-peak-64-clients"), "kvnode", 64, 30000, first);
        io.kvbench.cli.compare.TestRuns.peakRun(rerun.resolve("etcd-peak-64-clients"), "etcd", 64, 2500, first);
        // kvnode alone elsewhere (a compare's run): no etcd beside it, so no ratio from it.
        io.kvbench.cli.compare.TestRuns.peakRun(results.resolve("compare-x").resolve("peak"), "kvnode", 16, 99999,
                second);
        Path out = temporary.resolve("history");

        StringWriter output = new StringWriter();
        CommandLine commandLine = io.kvbench.cli.KvbenchMain.commandLine();
        commandLine.setOut(new PrintWriter(output, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        int exitCode = commandLine.execute("history", "--repo", repository.root().toString(), "--results",
                results.toString(), "--out", out.toString(), "--no-plot");

        assertThat(exitCode).as(output.toString()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("history.csv"));
        assertThat(csv).containsExactly(String.join(",", HistoryCommand.CSV_COLUMNS),
                "v0.11," + first + ",2026-12-01 10:00 UTC,2.9,8.1,8,16,1,20.1,40.5,27.1,82.1,2 cores",
                "v0.12," + second + ",2026-12-08 10:00 UTC,2.5,,,,,19,35,25,60,2 cores");
        assertThat(output.toString()).contains("v0.11", "8 ", "'-' where no kvnode and etcd closed-loop runs");
    }
}
