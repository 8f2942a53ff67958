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
    void comparesTwoDirectoriesOfRunsAndWritesItsFiles() throws Exception {
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

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", out.toString(), "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(run.output()).contains("A: " + a + " (commit abc1234, 16 runs in 8 rounds)",
                "B: " + b + " (commit abc1234, 16 runs in 8 rounds)",
                "every configuration below: rate=1000\n", "\nkvnode OPEN_LOOP\n",
                "\nkvnode chaos kill-leader: clusterSize=3 ");
        assertThat(line(run.output(), "write_p50_us")).contains(" ~ ", "8/8", "lower");
        assertThat(line(run.output(), "write_p99_us")).contains("(worse)");
        assertThat(line(run.output(), "election_p50_ms")).contains("(better)");
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertThat(csv.get(0)).isEqualTo(String.join(",", CompareTable.CSV_COLUMNS));
        assertThat(csv).anySatisfy(row -> assertThat(row).startsWith("kvnode OPEN_LOOP: rate=1000,write_p50_us,lower,")
                        .endsWith(",8,8,false"))
                .anySatisfy(row -> assertThat(row).contains(",write_p99_us,lower,").endsWith(",8,8,true"))
                .anySatisfy(row -> assertThat(row).contains(",unavailability_p99_ms,").endsWith(",8,8,true"));
        assertThat(out.resolve("compare.txt")).content().isEqualTo(run.output());
        assertThat(out.resolve("compare.md")).content().contains("# Comparison", "- every configuration below: rate=1000", "## kvnode OPEN_LOOP\n",
                "| write_p99_us |", "(worse)");
        assertThat(run.errors()).contains("wrote " + out.resolve("compare.csv"));
    }

    @Test
    void runFoldersBehindSymbolicLinksAreFollowedAndLoopsSkipped() throws Exception {
        Path store = temporary.resolve("store");
        Path a = Files.createDirectories(temporary.resolve("a"));
        Path b = Files.createDirectories(temporary.resolve("b"));
        for (int run = 1; run <= 4; run++) {
            ResultFolders.openLoop(store.resolve("a-" + run), 800 + run, 4000, 6000);
            ResultFolders.openLoop(store.resolve("b-" + run), 900 + run, 4000, 6000);
            Files.createSymbolicLink(a.resolve("run-" + run), store.resolve("a-" + run));
            Files.createSymbolicLink(b.resolve("run-" + run), store.resolve("b-" + run));
        }
        Files.createSymbolicLink(store.resolve("a-1").resolve("loop"), a);

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", temporary.resolve("out").toString(),
                "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(line(run.output(), "write_p50_us")).contains("802.5 ± ∞", "902.5 ± ∞", "+12.46% (worse)", "4/4");
        assertThat(run.output()).contains("note: symbolic link loop at " + a.resolve("run-1").resolve("loop"));
    }

    @Test
    void aSideMayBeASingleRunFolder() throws Exception {
        Path a = temporary.resolve("a");
        Path b = temporary.resolve("b");
        ResultFolders.openLoop(a, 800, 4000, 6000);
        ResultFolders.openLoop(b, 900, 4000, 6000);

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", temporary.resolve("out").toString(),
                "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(line(run.output(), "write_p50_us")).contains("800.0 ± ∞", "900.0 ± ∞", " ~ ", "1/1");
        assertThat(run.output()).contains("with 1 and 1 runs p cannot go below 1.000");
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

    @Test
    void refOptionsAreRefusedForDirectories() throws Exception {
        Path a = temporary.resolve("a");
        Path b = temporary.resolve("b");
        ResultFolders.openLoop(a, 800, 4000, 6000);
        ResultFolders.openLoop(b, 900, 4000, 6000);

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--quick");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).isEqualTo("kvbench compare: --quick applies to comparing git refs, not result "
                + "directories" + System.lineSeparator());
    }

    /** Issue 19: each process's CPU per write is a metric of its own, compared per configuration like latency. */
    @Test
    void cpuPerWriteIsComparedProcessByProcess() throws Exception {
        Path a = temporary.resolve("a");
        Path b = temporary.resolve("b");
        for (int run = 1; run <= 4; run++) {
            // B: the leader (node1) spends clearly less per write, node2 and the generator the same (noise).
            cpuRun(a.resolve("run-" + run), 176 + run, 128 + run, 70 + run);
            cpuRun(b.resolve("run-" + run), 90 + run, 128 + 5 - run, 70 + 5 - run);
        }

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", temporary.resolve("out").toString(),
                "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(line(run.output(), "cpu_us_per_write_node1")).contains("(better)", "4/4", "lower");
        assertThat(line(run.output(), "cpu_us_per_write_node2")).contains(" ~ ");
        assertThat(line(run.output(), "cpu_us_per_write_generator")).contains(" ~ ");
        assertThat(line(run.output(), "cpu_us_per_write_total")).contains("(better)");
        assertThat(line(run.output(), "write_p50_over_majority_floor")).contains(" ~ ");
        List<String> metricLines = run.output().lines().map(String::strip)
                .filter(line -> line.startsWith("cpu_us_per_write_")).map(line -> line.split(" ")[0]).toList();
        assertThat(metricLines).containsExactly("cpu_us_per_write_total", "cpu_us_per_write_generator",
                "cpu_us_per_write_node1", "cpu_us_per_write_node2");
    }

    /** A load summary.csv with the majority-floor multiple and the CPU columns of two nodes and the generator. */
    private static void cpuRun(Path folder, double node1, double node2, double generator) throws Exception {
        ResultFolders.openLoop(folder, 800, 4000, 6000);
        List<String> lines = Files.readAllLines(folder.resolve("summary.csv"));
        Files.writeString(folder.resolve("summary.csv"), lines.get(0) + ",p50_over_majority_floor,cpu_us_per_write_total,"
                + "cpu_us_per_write_node1,cpu_us_per_write_node2,cpu_us_per_write_generator\n" + lines.get(1)
                + String.format(java.util.Locale.ROOT, ",3.000,%s,%s,%s,%s%n", node1 + node2 + generator, node1, node2,
                        generator));
    }

    private static String line(String text, String metric) {
        return text.lines().filter(line -> line.strip().startsWith(metric + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no line for " + metric + " in\n" + text));
    }
}
