package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compares two git refs: checks both exist, builds each in its own detached worktree, runs the scenario on
 * each N times interleaved (A, B, A, B, ... so slow drifts of the machine, heat or background work, hit both
 * sides alike), and reads the two result sets. Results go to {@code <output>/<label A|B>/run-<i>/}, build logs
 * to {@code <output>/<label>/build.log}. The worktrees are removed at the end, also when a step fails or the
 * JVM is stopped.
 */
public final class RefComparison {

    /**
     * @param repository a folder in the git clone
     * @param buildCommand bash command run in each worktree's root before the runs
     * @param scenarioA scenario for A's runs; {@code scenarioB} for B's (the same one unless configurations differ)
     * @param outputDirectory the comparison's folder; created
     * @param scratchParent where the worktrees' folder is made (a fresh subfolder, deleted at the end)
     */
    public record Plan(Path repository, String refA, String refB, int runs, String buildCommand, Scenario scenarioA,
            Scenario scenarioB, Path outputDirectory, Path scratchParent) {

        public Plan {
            if (runs < 1) {
                throw new IllegalArgumentException("runs must be at least 1, not " + runs);
            }
        }
    }

    /** The two sides' results and the order the runs happened in, e.g. [A run-1, B run-1, A run-2, ...]. */
    public record Outcome(ResultSet a, ResultSet b, List<String> runOrder) {
    }

    private final Plan plan;
    private final PrintWriter progress;

    public RefComparison(Plan plan, PrintWriter progress) {
        this.plan = plan;
        this.progress = progress;
    }

    public Outcome run() throws CompareException, IOException, InterruptedException {
        GitRepository repository = GitRepository.containing(plan.repository());
        String commitA = repository.resolveCommit(plan.refA());
        String commitB = repository.resolveCommit(plan.refB());
        List<String> labels = SideLabels.of(plan.refA(), plan.refB());
        Side a = new Side("A", plan.refA(), commitA, labels.get(0), plan.scenarioA());
        Side b = new Side("B", plan.refB(), commitB, labels.get(1), plan.scenarioB());
        Files.createDirectories(plan.outputDirectory());
        Files.createDirectories(plan.scratchParent());
        Path scratch = Files.createTempDirectory(plan.scratchParent(), "kvbench-compare-");
        Worktrees worktrees = new Worktrees(repository, scratch, progress);
        Thread cleanupOnExit = new Thread(worktrees::removeAll, "compare-worktree-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        try {
            for (Side side : List.of(a, b)) {
                side.worktree = worktrees.add(side.label, side.commit);
                build(side);
            }
            List<String> order = runInterleaved(a, b);
            return new Outcome(ResultSet.read(a.label, plan.outputDirectory().resolve(a.label)),
                    ResultSet.read(b.label, plan.outputDirectory().resolve(b.label)), order);
        } finally {
            worktrees.removeAll();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway; removeAll is idempotent
            }
        }
    }

    private void build(Side side) throws CompareException, IOException, InterruptedException {
        Path log = plan.outputDirectory().resolve(side.label).resolve("build.log");
        progress.printf("compare: building %s (%s, %s) in %s%n", side.name, side.ref, shortCommit(side.commit),
                side.worktree);
        progress.flush();
        int exitCode = ShellCommand.run(plan.buildCommand(), side.worktree, log);
        if (exitCode != 0) {
            throw CompareException.failed("build of " + side.name + " (" + side.ref + ") failed with exit code "
                    + exitCode + "; see " + log);
        }
    }

    private List<String> runInterleaved(Side a, Side b) throws CompareException, InterruptedException, IOException {
        List<String> order = new ArrayList<>();
        int total = 2 * plan.runs();
        long start = System.nanoTime();
        int done = 0;
        for (int run = 1; run <= plan.runs(); run++) {
            for (Side side : List.of(a, b)) {
                String runName = "run-" + run;
                progress.printf("compare: run %d/%d: %s (%s) %s%s%n", done + 1, total, side.name, side.ref, runName,
                        eta(start, done, total));
                progress.flush();
                Path outDir = plan.outputDirectory().resolve(side.label).resolve(runName);
                Files.createDirectories(outDir);
                try {
                    side.scenario.run(side.worktree, outDir);
                } catch (IOException failure) {
                    throw CompareException.failed(side.name + " (" + side.ref + ") " + runName + " failed: "
                            + failure.getMessage(), failure);
                }
                order.add(side.name + " " + runName);
                done++;
            }
        }
        return order;
    }

    private static String eta(long startNanos, int done, int total) {
        if (done == 0) {
            return "";
        }
        Duration perRun = Duration.ofNanos((System.nanoTime() - startNanos) / done);
        Duration left = perRun.multipliedBy(total - done);
        return String.format(" (ETA %dm%02ds)", left.toMinutes(), left.toSecondsPart());
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    private static final class Side {
        final String name;
        final String ref;
        final String commit;
        final String label;
        final Scenario scenario;
        Path worktree;

        Side(String name, String ref, String commit, String label, Scenario scenario) {
            this.name = name;
            this.ref = ref;
            this.commit = commit;
            this.label = label;
            this.scenario = scenario;
        }
    }

    /** The worktrees made for one comparison, and their removal (safe to call twice, from a shutdown hook too). */
    private static final class Worktrees {
        private final GitRepository repository;
        private final Path scratch;
        private final PrintWriter progress;
        private final List<Path> added = new ArrayList<>();
        private boolean removed;

        Worktrees(GitRepository repository, Path scratch, PrintWriter progress) {
            this.repository = repository;
            this.scratch = scratch;
            this.progress = progress;
        }

        synchronized Path add(String label, String commit) throws CompareException, IOException, InterruptedException {
            Path path = scratch.resolve(label);
            added.add(path);
            repository.addDetachedWorktree(path, commit);
            return path;
        }

        synchronized void removeAll() {
            if (removed) {
                return;
            }
            removed = true;
            for (Path path : added) {
                try {
                    String complaint = repository.removeWorktree(path);
                    if (complaint != null && Files.exists(path)) {
                        progress.println("compare: warning: could not remove worktree " + path + ": " + complaint);
                    }
                } catch (IOException | InterruptedException failure) {
                    progress.println("compare: warning: could not remove worktree " + path + ": " + failure);
                }
            }
            deleteRecursively(scratch);
            progress.flush();
        }

        private void deleteRecursively(Path directory) {
            if (!Files.exists(directory)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException failure) {
                progress.println("compare: warning: could not delete " + directory + ": " + failure.getMessage());
            }
        }
    }
}
