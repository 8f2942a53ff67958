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

        CommandRun run = CommandRun.of("v0.10", commitB, "--repo", repository.root().toString(), "--runs", "6",
                "--build-cmd", "echo built > built.txt", "--scenario-cmd",
                "bash {worktree}/scenario.sh {outdir} " + ShellCommand.quote(orderFile.toString()),
                "--out", out.toString(), "--scratch", scratch.toString());

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(Files.readAllLines(orderFile)).containsExactly("old run-1", "new run-1", "old run-2", "new run-2",
                "old run-3", "new run-3", "old run-4", "new run-4", "old run-5", "new run-5", "old run-6",
                "new run-6");
        assertThat(Files.readAllLines(out.resolve("run-order.txt"))).containsExactly("A run-1", "B run-1",
                "A run-2", "B run-2", "A run-3", "B run-3", "A run-4", "B run-4", "A run-5", "B run-5", "A run-6",
                "B run-6");
        assertThat(out.resolve("v0.10").resolve("run-6").resolve("summary.csv")).exists();
        assertThat(out.resolve(commitB).resolve("run-1").resolve("summary.csv")).exists();
        assertThat(out.resolve("v0.10").resolve("build.log")).exists();
        String p99 = run.output().lines().filter(line -> line.startsWith("write_p99_us ")).findFirst().orElseThrow();
        assertThat(p99).contains("4004 [4001, 4006]", "5004 [5001, 5006]", "(worse)", "0.002", "6/6");
        String p50 = run.output().lines().filter(line -> line.startsWith("write_p50_us ")).findFirst().orElseThrow();
        assertThat(p50).contains(" ~ ");
        assertThat(Files.readString(out.resolve("compare.csv"))).contains("write_p99_us,4003.5,4001,4006,5003.5,"
                + "5001,5006,").contains(",6,6,true");
        assertThat(run.errors()).contains("compare: run 12/12: B", "ETA");
        assertWorktreesRemoved();
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
    void refsNeedAScenario() throws Exception {
        CommandRun run = CommandRun.of("v0.10", "HEAD", "--repo", repository.root().toString(), "--scratch",
                scratch.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).startsWith("kvbench compare: no scenario to run on the refs: give --scenario-cmd");
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

    private void assertWorktreesRemoved() throws Exception {
        List<String> worktrees = repository.git("worktree", "list", "--porcelain").lines()
                .filter(line -> line.startsWith("worktree ")).toList();
        assertThat(worktrees).hasSize(1);
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left.toList()).isEmpty();
        }
    }
}
