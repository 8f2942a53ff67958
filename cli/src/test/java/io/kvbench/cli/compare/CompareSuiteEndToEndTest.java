package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default suite end to end, on real builds: a scratch repository holds this checkout's files twice, as commit
 * {@code v-before} and as {@code v-after}, whose only change is a fixed delay in the node's write path (20 ms
 * before each write is applied: a write waits for it, and the one thread that applies caps a node at 50 writes a
 * second). {@code compare v-before v-after --quick --scenario sequential-writes} must find writes slower and the
 * rate lower, significantly, each labelled worse by its own direction. The delay is far above this machine's
 * noise (writes of 0.4-6 ms, loaded or not), so the result does not depend on the machine's state. About 2
 * minutes on two cores (two builds, 8 short runs). That identical refs report "~" is tested in CompareRefsTest.
 */
class CompareSuiteEndToEndTest {

    private static final Pattern APPLY_WRITE = Pattern.compile("(KvResult applyWrite\\([^)]*\\)\\s*\\{)");
    private static final String STATE_MACHINE = "kvnode/kv/src/main/java/io/kvbench/kv/KvStateMachine.java";
    private static final String DELAY = "$1 try { Thread.sleep(20); } catch (InterruptedException e) { "
            + "Thread.currentThread().interrupt(); }";

    @TempDir
    Path temporary;

    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aSlowerNodeIsFoundSignificantlySlower() throws Exception {
        Path checkout = checkout();
        assumeTrue(checkout != null, "not in a git checkout: the suite builds refs of one");
        assumeTrue(run(List.of("mvn", "--version"), checkout).exitCode() == 0, "mvn is not on PATH");
        GitTestRepository repository = new GitTestRepository(temporary.resolve("repo"));
        copyTrackedFiles(checkout, repository.root());
        repository.git("add", "-A");
        repository.git("commit", "-q", "-m", "this checkout");
        repository.git("tag", "v-before");
        String source = Files.readString(repository.root().resolve(STATE_MACHINE));
        Matcher anchor = APPLY_WRITE.matcher(source);
        assertThat(anchor.find()).as("KvResult applyWrite(...) { in " + STATE_MACHINE + " (where a write is "
                + "applied); update this test if it moved").isTrue();
        repository.commitFile(STATE_MACHINE, anchor.replaceFirst(DELAY), "20 ms before each write is applied");
        repository.git("tag", "v-after");
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of("v-before", "v-after", "--repo", repository.root().toString(), "--quick",
                "--scenario", "sequential-writes", "--out", out.toString(), "--scratch",
                temporary.resolve("scratch").toString(), "--no-plot");

        assertThat(run.exitCode()).as(run.errors() + run.output()).isZero();
        List<String> group = group(run.output(), "sequential-writes kvnode CLOSED_LOOP: clients=1 ");
        // Significant ("worse" is only printed for p < 0.05; every A apart from every B gives 2 / C(8, 4) = 0.029,
        // a little less with ties) and labelled by direction: slower writes, lower is better: worse.
        assertThat(group).anySatisfy(line -> assertThat(line).startsWith("  write_p50_us ")
                .contains("(worse)", "4/4", "lower"));
        // Fewer writes a second, higher is better: worse too.
        assertThat(group).anySatisfy(line -> assertThat(line).startsWith("  peak_throughput_ops_s ")
                .contains("(worse)", "4/4", "higher"));
        // Issue 19: the suite's load runs report the floor multiple and the CPU per write, of all and of each process,
        // compared like latency (no direction asserted: sleeping costs no CPU, but the fixed cost is spread thinner).
        for (String metric : List.of("write_p50_over_majority_floor", "cpu_us_per_write_total", "cpu_us_per_write_node1",
                "cpu_us_per_write_generator", "cpu_no_jit_us_per_write_total", "voluntary_switches_per_write_total")) {
            assertThat(group).anySatisfy(line -> assertThat(line).startsWith("  " + metric + " ").contains("4/4", "lower"));
        }
        assertThat(run.errors()).contains("compare: 2 builds, then 4 rounds x 1 scenario(s) x 2 sides = 8 runs;",
                "compare: [10/10] round 4/4: A (v-before) sequential-writes; elapsed ");
        assertThat(Files.readAllLines(out.resolve("run-order.txt"))).containsExactly("A run-1 sequential-writes",
                "B run-1 sequential-writes", "B run-2 sequential-writes", "A run-2 sequential-writes",
                "A run-3 sequential-writes", "B run-3 sequential-writes", "B run-4 sequential-writes",
                "A run-4 sequential-writes");
        // Each run is named in its run.json, its nodes' data folders are gone, their logs stay.
        Path firstRun = out.resolve("v-before").resolve("run-1").resolve("sequential-writes");
        assertThat(firstRun.resolve("run.json")).content().contains("\"scenario\" : \"sequential-writes\"");
        assertThat(firstRun.resolve("cluster").resolve("n1").resolve("data")).doesNotExist();
        assertThat(repository.git("worktree", "list").lines()).hasSize(1);
    }

    /** The group's lines after its label, up to the next blank line. */
    private static List<String> group(String table, String label) {
        List<String> lines = table.lines().toList();
        int start = -1;
        for (int index = 0; index < lines.size(); index++) {
            if (lines.get(index).startsWith(label)) {
                start = index;
            }
        }
        assertThat(start).as("group " + label + " in\n" + table).isNotNegative();
        return lines.subList(start + 1, lines.size()).stream().takeWhile(line -> !line.isBlank()).toList();
    }

    /** The checkout's root (the folder with plot.py and .git), or null. */
    private static Path checkout() {
        Path folder = Path.of("").toAbsolutePath();
        while (folder != null && !Files.exists(folder.resolve("plot.py"))) {
            folder = folder.getParent();
        }
        return folder != null && Files.exists(folder.resolve(".git")) ? folder : null;
    }

    /** Tracked and new (not ignored) files as they are in the working tree, without results/. */
    private static void copyTrackedFiles(Path checkout, Path target) throws Exception {
        Result listed = run(List.of("git", "-C", checkout.toString(), "ls-files", "-z", "--cached", "--others",
                "--exclude-standard"), checkout);
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        for (String name : listed.output().split("\0")) {
            if (name.isEmpty() || name.startsWith("results/")) {
                continue;
            }
            Path from = checkout.resolve(name);
            if (!Files.isRegularFile(from)) {
                continue; // deleted in the working tree
            }
            Path to = target.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Path directory) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
