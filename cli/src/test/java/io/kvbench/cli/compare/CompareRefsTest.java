package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare REF_A REF_B on a tiny repository whose two commits' "scenario" writes different numbers. */
class CompareRefsTest {

    /** Writes a fixed-rate load summary.csv whose p50 is the same on both versions and p99 is not. */
    private static final String SCENARIO = """
            #!/bin/bash
            set -e
            out="$1"; order="$2"
            run=$(basename "$out"); i=${run#run-}
            echo "%s $run" >> "$order"
            { echo 'target,mode,target_rate,achieved_rate,count,errors,timeouts,mean_us,p50_us,p90_us,p99_us,p999_us,p9999_us,max_us,service_p50_us,service_p99_us,duration_s,warmup_s'
              echo "kvnode,OPEN_LOOP,1000,999,30000,0,0,900,$((%s)),1500,$((%s)),$((6000 + i)),9000,12000,400,800,30,5"
            } > "$out/summary.csv"
            """;

    @TempDir
    Path temporary;

    private GitTestRepository repository;
    private String commitA;
    private String commitB;
    private Path orderFile;
    private Path scratch;

    @BeforeEach
    void twoCommits() throws Exception {
        repository = new GitTestRepository(temporary.resolve("repo"));
        commitA = repository.commitScenario(SCENARIO.formatted("old", "800 + i", "4000 + i"), "old version");
        repository.git("tag", "v0.10");
        commitB = repository.commitScenario(SCENARIO.formatted("new", "807 - i", "5000 + i"), "new version");
        orderFile = temporary.resolve("order.txt");
        scratch = Files.createDirectories(temporary.resolve("scratch"));
    }

    @Test
    void buildsRunsInterleavedAndFindsTheSignificantDifference() throws Exception {
        Path out = temporary.resolve("results").resolve("compare-v0.10-vs-new");

        CommandRun run = CommandRun.of("v0.10", commitB, "--repo", repository.root().toString(), "--rounds", "6",
                "--build-cmd", "echo built > built.txt", "--scenario-cmd",
                "bash {worktree}/scenario.sh {outdir} " + ShellCommand.quote(orderFile.toString()),
                "--out", out.toString(), "--scratch", scratch.toString(), "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        // Interleaved and counterbalanced: each side runs first in half of the rounds.
        assertThat(Files.readAllLines(orderFile)).containsExactly("old run-1", "new run-1", "new run-2", "old run-2",
                "old run-3", "new run-3", "new run-4", "old run-4", "old run-5", "new run-5", "new run-6",
                "old run-6");
        assertThat(Files.readAllLines(out.resolve("run-order.txt"))).containsExactly("A run-1", "B run-1",
                "B run-2", "A run-2", "A run-3", "B run-3", "B run-4", "A run-4", "A run-5", "B run-5", "B run-6",
                "A run-6");
        assertThat(out.resolve("v0.10").resolve("run-6").resolve("summary.csv")).exists();
        assertThat(out.resolve(commitB).resolve("run-1").resolve("summary.csv")).exists();
        assertThat(out.resolve("v0.10").resolve("build.log")).exists();
        String p99 = metricLine(run.output(), "write_p99_us");
        assertThat(p99).contains("4004 [4001, 4006]", "5004 [5001, 5006]", "(worse)", "0.002", "6/6");
        assertThat(metricLine(run.output(), "write_p50_us")).contains(" ~ ");
        assertThat(Files.readString(out.resolve("compare.csv"))).contains("kvnode OPEN_LOOP: rate=1000,write_p99_us,"
                + "lower,4003.5,4001,4006,5003.5,5001,5006,").contains(",6,6,true");
        assertThat(run.errors()).contains("compare: 2 builds, then 6 rounds x 1 scenario(s) x 2 sides = 12 runs; "
                + "estimated", "compare: [1/14] building A (v0.10, ", "compare: [14/14] round 6/6: A (v0.10) run-6; elapsed ",
                "ETA ", "compare: all 12 runs done in ");
        assertWorktreesRemoved();
    }

    @Test
    void identicalRefsReportTildeForEveryMetric() throws Exception {
        // The same ref on both sides, whose scenario gives each round the same figures on either side: nothing
        // may come out significant. (A real A/A run is not a test: at p < 0.05 each metric has a few percent
        // chance of a false "significant" by design.)
        String script = """
                #!/bin/bash
                out="$1"; run=$(basename "$out"); i=${run#run-}
                { echo 'target,mode,target_rate,achieved_rate,count,errors,timeouts,mean_us,p50_us,p90_us,p99_us,p999_us,p9999_us,max_us,service_p50_us,service_p99_us,duration_s,warmup_s'
                  echo "kvnode,OPEN_LOOP,1000,999,30000,0,0,900,$((800 + 7 * i % 5)),1500,$((4000 + 13 * i % 7)),$((6000 + i)),9000,12000,400,800,30,5"
                } > "$out/summary.csv"
                """;
        repository.commitScenario(script, "a scenario whose figures depend on the round only");
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of("HEAD", "HEAD", "--repo", repository.root().toString(), "--rounds", "6",
                "--build-cmd", "true", "--scenario-cmd", "bash {worktree}/scenario.sh {outdir}", "--out",
                out.toString(), "--scratch", scratch.toString(), "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(run.output()).contains("A: HEAD-A (commit ", "B: HEAD-B (commit ");
        List<String> rows = run.output().lines().filter(line -> line.startsWith("  write_")).toList();
        assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(row).contains(" ~ ", "1.000", "6/6"));
        assertThat(Files.readAllLines(out.resolve("compare.csv")).subList(1, 4))
                .allSatisfy(row -> assertThat(row).endsWith(",6,6,false"));
    }

    @Test
    void anOutputFolderWithRunsOfAnEarlierComparisonIsRefused() throws Exception {
        Path out = temporary.resolve("out");
        ResultFolders.openLoop(out.resolve("v0.10").resolve("run-1"), 800, 4000, 6000);

        CommandRun run = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(), "--build-cmd", "true",
                "--scenario-cmd", "true {outdir}", "--out", out.toString(), "--scratch", scratch.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).contains(out.resolve("v0.10") + " already holds runs");
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void unknownRefIsAClearUsageError() throws Exception {
        CommandRun run = CommandRun.of("v0.9", "v0.10", "--repo", repository.root().toString(), "--scenario-cmd",
                "true {outdir}", "--build-cmd", "true", "--scratch", scratch.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).isEqualTo("kvbench compare: ref 'v0.9' not found in this clone; git fetch --tags?"
                + System.lineSeparator());
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void failingBuildIsAFailedCheckAndTheWorktreesAreRemoved() throws Exception {
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(), "--build-cmd",
                "echo no compiler; exit 3", "--scenario-cmd", "true {outdir}", "--out", out.toString(),
                "--scratch", scratch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errors()).contains("kvbench compare: build of A (v0.10) failed with exit code 3; see "
                + out.resolve("v0.10").resolve("build.log"));
        assertThat(out.resolve("v0.10").resolve("build.log")).content().contains("no compiler");
        assertWorktreesRemoved();
    }

    @Test
    void failingScenarioStopsTheComparisonAndTheWorktreesAreRemoved() throws Exception {
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(), "--build-cmd", "true",
                "--scenario-cmd", "bash {worktree}/scenario.sh {outdir} " + ShellCommand.quote(orderFile.toString()),
                "--scenario-cmd-b", "echo broken {outdir}; exit 4", "--out", out.toString(),
                "--scratch", scratch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errors()).contains("kvbench compare: B (HEAD) run-1 failed: scenario exited with 4 (log: "
                + out.resolve("HEAD").resolve("run-1").resolve("scenario.log") + ")");
        assertThat(Files.readAllLines(orderFile)).containsExactly("old run-1");
        assertWorktreesRemoved();
    }

    @Test
    void suiteOptionsAreCheckedBeforeAnythingIsBuilt() throws Exception {
        CommandRun unknown = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(), "--scenario",
                "sequential-writes,nope", "--scratch", scratch.toString());
        CommandRun mixed = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(), "--quick",
                "--scenario-cmd", "true {outdir}", "--scratch", scratch.toString());
        CommandRun bOnly = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(),
                "--scenario-cmd-b", "true {outdir}", "--scratch", scratch.toString());

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errors()).isEqualTo("kvbench compare: --scenario: unknown scenario 'nope'; the suite has "
                + "sequential-writes, fixed-rate, peak-16-clients, leader-kill" + System.lineSeparator());
        assertThat(mixed.exitCode()).isEqualTo(2);
        assertThat(mixed.errors()).contains("--quick picks from the default suite; it cannot be combined with "
                + "--scenario-cmd");
        assertThat(bOnly.exitCode()).isEqualTo(2);
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void aReleaseWhoseTagIsMissingResolvesThroughReleasesMd() throws Exception {
        String tagged = repository.git("rev-parse", "v0.10").strip();
        repository.git("tag", "-d", "v0.10");
        Files.writeString(repository.root().resolve(ReleasesFile.NAME), ReleasesFile.PREAMBLE
                + "| " + String.join(" | ", ReleasesFile.COLUMNS) + " |\n"
                + "|---|---|---|---|---|---|---|---|\n"
                + "| v0.10 | " + tagged + " | 2026-01-01 00:00 UTC | 2.50 / 8.00 | 20.0 / 40.0 | 25.0 / 50.0 | pass | 2 cores |\n");
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(), "--rounds", "1",
                "--build-cmd", "true", "--scenario-cmd", "bash {worktree}/scenario.sh {outdir} "
                        + ShellCommand.quote(orderFile.toString()), "--out", out.toString(), "--scratch",
                scratch.toString(), "--no-plot");
        CommandRun unknown = CommandRun.of("v0.12", "HEAD", "--repo", repository.root().toString(), "--scenario-cmd",
                "true {outdir}", "--scratch", scratch.toString());

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(run.errors()).contains("compare: 'v0.10' is not a tag in this clone: RELEASES.md records release "
                + "v0.10 as commit " + tagged.substring(0, 12) + " (kvbench release --restore-tags recreates its tag)");
        assertThat(Files.readAllLines(orderFile)).containsExactly("old run-1", "new run-1");
        assertThat(unknown.errors()).isEqualTo("kvbench compare: ref 'v0.12' not found in this clone nor in "
                + "RELEASES.md; git fetch --tags?" + System.lineSeparator());
    }

    @Test
    void theSuitesScenariosAreTheReadmesFiguresShort() {
        assertThat(SuiteScenario.SEQUENTIAL_WRITES.arguments(SuiteSettings.FULL)).containsExactly("load",
                "--duration-s", "4", "--warmup-s", "2", "--mode", "closed", "--in-flight", "1", "--connections", "1");
        assertThat(SuiteScenario.FIXED_RATE.arguments(SuiteSettings.QUICK)).containsExactly("load", "--duration-s",
                "2", "--warmup-s", "1", "--rate", "1000", "--connections", "4", "--in-flight", "64", "--no-floor");
        assertThat(SuiteScenario.PEAK_16_CLIENTS.arguments(SuiteSettings.FULL)).contains("--mode", "closed",
                "--in-flight", "16", "--connections", "16");
        assertThat(SuiteScenario.LEADER_KILL.arguments(SuiteSettings.FULL)).containsExactly("chaos", "--fault",
                "kill-leader", "--trials", "5", "--interval-ms", "1200", "--load-rate", "0", "--no-plot");
        assertThat(SuiteScenario.LEADER_KILL.harnessJvmOptions(false)).containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(SuiteScenario.SEQUENTIAL_WRITES.harnessJvmOptions(true)).containsExactly(
                "-XX:ThreadPriorityPolicy=1", "-XX:CompilerThreadPriority=5");
        List<String> command = new SuiteRun(SuiteScenario.PEAK_16_CLIENTS, SuiteSettings.QUICK)
                .command(Path.of("/w"), Path.of("/o/peak-16-clients"));
        assertThat(command.subList(command.size() - 2, command.size())).containsExactly("--out", "/o/peak-16-clients");
        assertThat(command).contains("-jar", "/w/cli/target/kvbench.jar");
        double full = 0;
        double quick = 0;
        for (SuiteScenario scenario : SuiteScenario.values()) {
            full += scenario.estimateSeconds(SuiteSettings.FULL);
            quick += scenario.estimateSeconds(SuiteSettings.QUICK);
        }
        // Both sides of every round and both builds: ~10 and ~5 minutes.
        assertThat(2 * SuiteSettings.BUILD_SECONDS + 2 * SuiteSettings.FULL.rounds() * full).isBetween(480.0, 600.0);
        assertThat(2 * SuiteSettings.BUILD_SECONDS + 2 * SuiteSettings.QUICK.rounds() * quick).isBetween(200.0, 300.0);
    }

    @Test
    void scenarioTemplateQuotesPathsAndNeedsOutdir() throws Exception {
        CommandTemplateScenario scenario = new CommandTemplateScenario("run.sh {worktree} --out {outdir}/x");
        assertThat(scenario.command(Path.of("/tmp/work tree"), Path.of("/tmp/it's")))
                .isEqualTo("run.sh '/tmp/work tree' --out '/tmp/it'\\''s'/x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CommandTemplateScenario("run.sh {worktree}"))
                .isInstanceOf(CompareException.class).hasMessageContaining("must contain {outdir}");
    }

    @Test
    void sideLabelsAreFolderSafeAndDistinct() {
        assertThat(SideLabels.of("v0.10-replication", "release/v0.11")).containsExactly("v0.10-replication",
                "release_v0.11");
        assertThat(SideLabels.of("HEAD", "HEAD")).containsExactly("HEAD-A", "HEAD-B");
        assertThat(SideLabels.defaultOutputDirectory(Path.of("results"), "v0.10", "v0.11",
                java.time.LocalDateTime.of(2025, 1, 2, 3, 4, 5)))
                .isEqualTo(Path.of("results/compare-v0.10-vs-v0.11-20250102-030405"));
    }

    private static String metricLine(String text, String metric) {
        return text.lines().filter(line -> line.strip().startsWith(metric + " ")).findFirst().orElseThrow();
    }

    private void assertWorktreesRemoved() throws Exception {
        List<String> worktrees = repository.git("worktree", "list", "--porcelain").lines()
                .filter(line -> line.startsWith("worktree ")).toList();
        assertThat(worktrees).hasSize(1);
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left.toList()).isEmpty();
        }
    }
}
