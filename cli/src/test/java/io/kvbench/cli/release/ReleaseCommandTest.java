package io.kvbench.cli.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.cli.compare.GitTestRepository;
import io.kvbench.cli.compare.ReleasesFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kvbench release} on a scratch repository, with a stand-in gate (a script writing the files the real
 * gate writes, green or red): the real gate is {@code kvbench gate} (GateCommand), minutes long, run by the lead
 * on the real release; here what is tested is what release does with a green or a red one.
 */
class ReleaseCommandTest {

    /** Writes the gate's output files; exits 0 (green) or 1 (red); copies the worktree's version.txt. */
    private static final String FAKE_GATE = """
            #!/bin/bash
            set -e
            verdict="$1"; out="$2"; worktree="$3"
            mkdir -p "$out/load" "$out/chaos"
            cp "$worktree/version.txt" "$out/gated-version.txt"
            cat > "$out/load/summary.csv" <<'CSV'
            target,mode,target_rate,achieved_rate,count,errors,timeouts,mean_us,p50_us,p90_us,p99_us,p999_us,p9999_us,max_us,service_p50_us,service_p99_us,duration_s,warmup_s,floor_fsync_p50_us,floor_fsync_p99_us,floor_rtt_p50_us,floor_rtt_p99_us,p50_over_floor,p99_over_floor
            kvnode,OPEN_LOOP,200.000,200.000,2000,0,0,450.000,440,600,2100,3000,3000,3000,440,2100,10.000,2.000,110.0,200.0,40.0,60.0,2.933,8.077
            CSV
            cat > "$out/load/run.json" <<'JSON'
            {"target": "kvnode", "availableProcessors": 2, "kernel": "6.1.0-test"}
            JSON
            cat > "$out/chaos/run.json" <<'JSON'
            {"target": "kvnode", "verdict": "pass", "passed": true,
             "election": {"p50Millis": 18.4, "p99Millis": 46.72},
             "unavailability": {"p50Millis": 27.1, "p99Millis": 82.1},
             "nodeAudit": [{"repeatApplications": 0}, {"repeatApplications": 0}, {"repeatApplications": 0}]}
            JSON
            printf 'PASS\\nsafety: pass\\nrecovered: 5/5 trials\\n' > "$out/chaos/verdict.txt"
            printf 'quality gate\\n%s\\n' "$verdict" > "$out/gate.txt"
            [ "$verdict" = GREEN ]
            """;

    @TempDir
    Path temporary;

    private GitTestRepository repository;
    private String released;
    private Path gateScript;

    @BeforeEach
    void repositoryWithOneCommit() throws Exception {
        repository = new GitTestRepository(temporary.resolve("repo"));
        released = repository.commitFile("version.txt", "committed\n", "the version to release");
        gateScript = temporary.resolve("fake-gate.sh");
        Files.writeString(gateScript, FAKE_GATE);
    }

    @Test
    void aRedGateCreatesNoTagAndNoRecord() throws Exception {
        Run run = release("v1", "RED");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("release: the quality gate is RED for v1", "no tag, no record");
        assertThat(repository.git("tag", "-l")).isEmpty();
        assertThat(repository.root().resolve(ReleasesFile.NAME)).doesNotExist();
        assertThat(repository.git("rev-parse", "HEAD").strip()).isEqualTo(released);
        assertThat(repository.git("worktree", "list").lines()).hasSize(1);
    }

    @Test
    void aGreenGateTagsTheCleanHeadAndCommitsTheRecord() throws Exception {
        Files.writeString(repository.root().resolve("version.txt"), "uncommitted\n");
        Path out = temporary.resolve("gate-out");

        Run run = release("v1", "GREEN", "--out", out.toString());

        assertThat(run.exitCode()).as(run.errors()).isZero();
        // The gate ran on a clean worktree of HEAD, not on the checkout's uncommitted files.
        assertThat(out.resolve("gated-version.txt")).hasContent("committed");
        assertThat(run.errors()).contains("release: note: the checkout has uncommitted changes");
        assertThat(repository.git("cat-file", "-t", "v1").strip()).isEqualTo("tag");
        assertThat(repository.git("rev-parse", "v1^{commit}").strip()).isEqualTo(released);
        // RELEASES.md is committed on top of the released commit, alone.
        assertThat(repository.git("rev-parse", "HEAD~1").strip()).isEqualTo(released);
        assertThat(repository.git("show", "--name-only", "--format=%s", "HEAD").strip())
                .isEqualTo("Release v1: RELEASES.md records commit " + released.substring(0, 12)
                        + " and its quality gate's figures\n\nRELEASES.md");
        assertThat(repository.git("status", "--porcelain", "--untracked-files=no").strip()).isEqualTo("M version.txt");
        ReleasesFile.Release record = ReleasesFile.in(repository.root()).find("v1").orElseThrow();
        assertThat(record.commit()).isEqualTo(released);
        assertThat(record.writeP50OverFloor()).isEqualTo(2.93);
        assertThat(record.writeP99OverFloor()).isEqualTo(8.08);
        assertThat(record.electionP50Millis()).isEqualTo(18.4);
        assertThat(record.electionP99Millis()).isEqualTo(46.7);
        assertThat(record.unavailabilityP99Millis()).isEqualTo(82.1);
        assertThat(record.checkers()).isEqualTo("safety pass (lost writes, duplicates, linearizability); 5/5 "
                + "recovered; 0 writes applied twice (node audit, 3 nodes)");
        assertThat(record.machine()).isEqualTo("2 cores, Linux 6.1.0-test");
        assertThat(Files.readString(repository.root().resolve(ReleasesFile.NAME))).startsWith("# Releases\n")
                .contains("| v1 | " + released + " | ");
        assertThat(run.output()).contains("annotated tag v1 created", "write p50 / p99 (x floor) 2.93 / 8.08");
        assertThat(repository.git("worktree", "list").lines()).hasSize(1);
    }

    @Test
    void restoreTagsRecreatesTheTagsARecordNames() throws Exception {
        assertThat(release("v1", "GREEN").exitCode()).isZero();
        String second = repository.commitFile("version.txt", "second\n", "a second version");
        assertThat(release("v2", "GREEN").exitCode()).isZero();
        assertThat(ReleasesFile.in(repository.root()).releases()).extracting(ReleasesFile.Release::name)
                .containsExactly("v1", "v2");
        repository.git("tag", "-d", "v1");
        repository.git("tag", "-d", "v2");

        Run restore = run("release", "--restore-tags", "--repo", repository.root().toString());
        Run again = run("release", "--restore-tags", "--repo", repository.root().toString());

        assertThat(restore.exitCode()).as(restore.output()).isZero();
        assertThat(restore.output()).contains("v1: tag restored at " + released.substring(0, 12),
                "v2: tag restored at " + second.substring(0, 12));
        assertThat(repository.git("cat-file", "-t", "v1").strip()).isEqualTo("tag");
        assertThat(repository.git("rev-parse", "v1^{commit}").strip()).isEqualTo(released);
        assertThat(repository.git("rev-parse", "v2^{commit}").strip()).isEqualTo(second);
        assertThat(again.output()).contains("v1: tag present", "v2: tag present");
    }

    @Test
    void aFailedRecordTakesTheTagBack() throws Exception {
        Path hook = repository.root().resolve(".git/hooks/pre-commit");
        Files.writeString(hook, "#!/bin/sh\necho refused by hook\nexit 1\n");
        hook.toFile().setExecutable(true);

        Run run = release("v1", "GREEN");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errors()).contains("git commit RELEASES.md failed", "the tag was removed again");
        assertThat(repository.git("tag", "-l")).isEmpty();
        assertThat(repository.root().resolve(ReleasesFile.NAME)).doesNotExist();
        assertThat(repository.git("status", "--porcelain", "--untracked-files=no")).isEmpty();
    }

    @Test
    void badNamesAndMissingArgumentsAreUsageErrors() throws Exception {
        repository.git("tag", "-a", "v0", "-m", "older");

        assertThat(release("bad..name", "GREEN").errors()).contains("'bad..name' is not a valid tag name");
        assertThat(release("v0", "GREEN").errors()).contains("tag v0 already exists");
        Run noName = run("release", "--repo", repository.root().toString());
        Run both = run("release", "v1", "--restore-tags", "--repo", repository.root().toString());

        assertThat(noName.exitCode()).isEqualTo(2);
        assertThat(noName.errors()).startsWith("kvbench release: give the release's NAME");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(release("v0", "GREEN").exitCode()).isEqualTo(2);
        assertThat(repository.git("tag", "-l").strip()).isEqualTo("v0");
    }

    private Run release(String name, String verdict, String... more) {
        List<String> arguments = new ArrayList<>(List.of("release", name, "--repo", repository.root().toString(),
                "--build-cmd", "true", "--gate-cmd", "bash " + gateScript + " " + verdict + " {outdir} {worktree}",
                "--scratch", temporary.resolve("scratch").toString()));
        arguments.addAll(List.of(more));
        return run(arguments.toArray(String[]::new));
    }

    private record Run(int exitCode, String output, String errors) {
    }

    private static Run run(String... arguments) {
        StringWriter output = new StringWriter();
        StringWriter errors = new StringWriter();
        CommandLine commandLine = io.kvbench.cli.KvbenchMain.commandLine();
        commandLine.setOut(new PrintWriter(output, true));
        commandLine.setErr(new PrintWriter(errors, true));
        int exitCode = commandLine.execute(arguments);
        return new Run(exitCode, output.toString(), errors.toString());
    }
}
