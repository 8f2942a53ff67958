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
 * The default suite end to end, on real builds: a scratch repository holds this checkout's files twice, as
 * commit {@code v-before} and as {@code v-after}, whose only change is a known slowdown of the nodes the load
 * scenarios start (their JVM runs interpreted, {@code -Xint}: every write costs the nodes several times the CPU).
 * {@code compare v-before v-after --quick} over the two load scenarios must find writes slower and peak throughput
 * lower, significantly. About 2-3 minutes on two cores (two builds, 16 short runs).
 */
class CompareSuiteEndToEndTest {

    private static final Pattern NODE_JVM_OPTIONS = Pattern.compile("(DEFAULT_NODE_JVM_OPTIONS\\s*=\\s*\")");
    private static final String NODE_JVM_OPTIONS_FILE = "bench/src/main/java/io/kvbench/bench/reference/ReferenceRuns.java";

    @TempDir
    Path temporary;

    @Test
    @Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aSlowerNodeIsFoundSignificantlySlower() throws Exception {
        Path checkout = checkout();
        assumeTrue(checkout != null, "not in a git checkout: the suite builds refs of one");
        assumeTrue(run(List.of("mvn", "--version"), checkout).exitCode() == 0, "mvn is not on PATH");
        GitTestRepository repository = new GitTestRepository(temporary.resolve("repo"));
        copyTrackedFiles(checkout, repository.root());
        repository.git("add", "-A");
        repository.git("commit", "-q", "-m", "this checkout");
        repository.git("tag", "v-before");
        Path options = repository.root().resolve(NODE_JVM_OPTIONS_FILE);
        String source = Files.readString(options);
        Matcher anchor = NODE_JVM_OPTIONS.matcher(source);
        assertThat(anchor.find()).as("DEFAULT_NODE_JVM_OPTIONS = \"...\" in " + NODE_JVM_OPTIONS_FILE
                + " (the nodes' JVM options of kvbench load); update this test if it moved").isTrue();
        repository.commitFile(NODE_JVM_OPTIONS_FILE, anchor.replaceFirst("$1-Xint "), "nodes interpreted: slower");
        repository.git("tag", "v-after");
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of("v-before", "v-after", "--repo", repository.root().toString(), "--quick",
                "--scenario", "sequential-writes,peak-16-clients", "--out", out.toString(), "--scratch",
                temporary.resolve("scratch").toString(), "--no-plot");

        assertThat(run.exitCode()).as(run.errors() + run.output()).isZero();
        String table = run.output();
        assertThat(group(table, "sequential-writes kvnode CLOSED_LOOP: clients=1 ")).anySatisfy(line ->
                assertThat(line).startsWith("  write_p50_us ").contains("(worse)", "4/4", "0.029"));
        assertThat(group(table, "peak-16-clients kvnode CLOSED_LOOP: clients=16 ")).anySatisfy(line ->
                assertThat(line).startsWith("  peak_throughput_ops_s ").contains("(worse)", "4/4", "higher"));
        assertThat(Files.readAllLines(out.resolve("run-order.txt"))).hasSize(16).startsWith(
                "A run-1 sequential-writes", "B run-1 sequential-writes", "A run-1 peak-16-clients",
                "B run-1 peak-16-clients");
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
