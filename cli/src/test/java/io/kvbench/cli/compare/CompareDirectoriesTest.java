package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareDirectoriesTest {

    @TempDir
    Path temporary;

    @Test
    void comparesTwoDirectoriesOfRunsAndWritesCompareCsv() throws Exception {
        Path a = temporary.resolve("v0.10");
        Path b = temporary.resolve("v0.11");
        for (int run = 1; run <= 8; run++) {
            // p50 the same on both sides (noise), p99 clearly worse on B, elections clearly faster on B.
            ResultFolders.openLoop(a.resolve("run-" + run).resolve("load"), 800 + run, 4000 + run, 6000 + run);
            ResultFolders.openLoop(b.resolve("run-" + run).resolve("load"), 800 + 9 - run, 5000 + run, 6000 + run);
            ResultFolders.elections(a.resolve("run-" + run).resolve("chaos"), new double[] {240 + run, 250 + run},
                    new double[] {260 + run, 270 + run});
            ResultFolders.elections(b.resolve("run-" + run).resolve("chaos"), new double[] {150 + run, 160 + run},
                    new double[] {170 + run, 180 + run});
        }
        Files.createDirectories(a.resolve("logs"));
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(run.output()).contains("A: " + a, "B: " + b);
        assertThat(line(run.output(), "write_p50_us")).contains(" ~ ", "8/8");
        assertThat(line(run.output(), "write_p99_us")).contains("(worse)");
        assertThat(line(run.output(), "election_p50_ms")).contains("(better)");
        assertThat(run.output()).contains("peak_throughput_ops_s absent in both A and B");
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertThat(csv.get(0)).isEqualTo(String.join(",", CompareTable.CSV_COLUMNS));
        assertThat(csv).anySatisfy(row -> assertThat(row).startsWith("write_p50_us,").endsWith(",8,8,false"))
                .anySatisfy(row -> assertThat(row).startsWith("write_p99_us,").endsWith(",8,8,true"))
                .anySatisfy(row -> assertThat(row).startsWith("unavailability_p99_ms,").endsWith(",8,8,true"));
        assertThat(out.resolve("compare.txt")).exists();
        assertThat(run.errors()).contains("wrote " + out.resolve("compare.csv"));
    }

    @Test
    void missingDirectoryIsAUsageError() throws Exception {
        Path a = temporary.resolve("a");
        ResultFolders.openLoop(a.resolve("run-1"), 800, 4000, 6000);

        CommandRun run = CommandRun.of(a.toString(), temporary.resolve("nope").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors().strip()).isEqualTo("kvbench compare: results directory '"
                + temporary.resolve("nope") + "' does not exist (give two results directories, or two git refs "
                + "with --refs)");
    }

    @Test
    void directoryWithoutRunsIsAUsageError() throws Exception {
        Path a = temporary.resolve("a");
        ResultFolders.openLoop(a.resolve("run-1"), 800, 4000, 6000);
        Path empty = Files.createDirectories(temporary.resolve("empty").resolve("logs"));

        CommandRun run = CommandRun.of(a.toString(), empty.getParent().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).startsWith("kvbench compare: '" + empty.getParent() + "' has no runs")
                .hasLineCount(1);
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(line -> line.startsWith(prefix + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no line for " + prefix + " in\n" + text));
    }
}
