package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares two git refs: builds each once in its own detached worktree, then runs the scenarios round after
 * round, each scenario on both sides, interleaved so slow drifts of the machine (heat, background work) hit both
 * alike, and counterbalanced: A then B in odd rounds, B then A in even ones (A, B, B, A, A, B, ...), so whatever
 * running first or second in a round does to a run falls on both sides equally (issue 19: two builds compared in
 * both orders, always A first: whichever was A had the higher throughput, by 4.5 % (p 0.041) and by 3.0 % (n.s.)). Then it reads the two result sets. Results go to {@code <output>/<label A|B>/run-<i>/} (one
 * unnamed scenario: {@code --scenario-cmd}) or {@code <output>/<label>/run-<i>/<scenario>/} (the suite), build logs
 * to {@code <output>/<label>/build.log}. The worktrees are removed at the end, also when a step fails or the JVM is
 * stopped.
 */
public final class RefComparison {

    /** A scenario with the folder name its runs get (null: the run folder itself) and its expected seconds. */
    public record NamedScenario(String name, Scenario scenario, double estimateSeconds) {
    }

    /**
     * @param repository a folder in the git clone
     * @param commitA the commit {@code refA} resolved to (likewise B)
     * @param buildCommand bash command run in each worktree's root before the runs
     * @param scenariosA scenarios of A's rounds; {@code scenariosB} for B's, with the same names
     * @param outputDirectory the comparison's folder; created
     * @param scratchParent where the worktrees' folder is made (a fresh subfolder, deleted at the end)
     */
    public record Plan(Path repository, String refA, String commitA, String refB, String commitB, int rounds,
            String buildCommand, List<NamedScenario> scenariosA, List<NamedScenario> scenariosB, Path outputDirectory,
            Path scratchParent) {

        public Plan {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
            }
            if (scenariosA.isEmpty() || scenariosA.size() != scenariosB.size()) {
                throw new IllegalArgumentException("A and B need the same scenarios");
            }
            scenariosA = List.copyOf(scenariosA);
            scenariosB = List.copyOf(scenariosB);
        }

        /** Builds, then every run, in order, with its expected seconds. */
        List<Double> stepEstimates() {
            List<Double> estimates = new ArrayList<>(List.of(SuiteSettings.BUILD_SECONDS, SuiteSettings.BUILD_SECONDS));
            for (int round = 0; round < rounds; round++) {
                for (int index = 0; index < scenariosA.size(); index++) {
                    estimates.add(scenariosA.get(index).estimateSeconds());
                    estimates.add(scenariosB.get(index).estimateSeconds());
                }
            }
            return estimates;
        }
    }

    /**
     * The two sides' results, the order the runs happened in (e.g. [A run-1, B run-1, A run-2, ...]) and the runs
     * whose own check failed ({@link Scenario.CheckFailed}).
     */
    public record Outcome(ResultSet a, ResultSet b, List<String> runOrder, List<String> failedChecks) {
    }

    private final Plan plan;
    private final PrintWriter progress;

    public RefComparison(Plan plan, PrintWriter progress) {
        this.plan = plan;
        this.progress = progress;
    }

    public Outcome run() throws CompareException, IOException, InterruptedException {
        GitRepository repository = GitRepository.containing(plan.repository());
        List<String> labels = SideLabels.of(plan.refA(), plan.refB());
        Side a = new Side("A", plan.refA(), plan.commitA(), labels.get(0), plan.scenariosA());
        Side b = new Side("B", plan.refB(), plan.commitB(), labels.get(1), plan.scenariosB());
        for (Side side : List.of(a, b)) {
            Path folder = plan.outputDirectory().resolve(side.label);
            if (Files.isDirectory(folder)) {
                try (java.util.stream.Stream<Path> entries = Files.list(folder)) {
                    if (entries.findAny().isPresent()) {
                        throw CompareException.usage(folder + " already holds runs (of an earlier comparison?): "
                                + "give a new --out, so runs of two comparisons are never pooled");
                    }
                }
            }
        }
        Files.createDirectories(plan.outputDirectory());
        ComparisonProgress steps = new ComparisonProgress(progress, plan.stepEstimates(), System::nanoTime);
        progress.printf(java.util.Locale.ROOT, "compare: 2 builds, then %d rounds x %d scenario(s) x 2 sides = %d runs;"
                + " estimated %s in all; results in %s%n", plan.rounds(), plan.scenariosA().size(),
                2 * plan.rounds() * plan.scenariosA().size(), ComparisonProgress.duration(steps.estimatedTotalSeconds()),
                plan.outputDirectory());
        progress.flush();
        try (Worktrees worktrees = Worktrees.open(repository, plan.scratchParent(), "kvbench-compare-", progress)) {
            for (Side side : List.of(a, b)) {
                side.worktree = worktrees.add(side.label, side.commit);
                steps.starting("building " + side.name + " (" + side.ref + ", " + shortCommit(side.commit) + ") in "
                        + side.worktree);
                build(side);
                steps.finishedStep();
            }
            List<String> failedChecks = new ArrayList<>();
            List<String> order = runInterleaved(a, b, steps, failedChecks);
            progress.printf("compare: all %d runs done in %s%n", order.size(),
                    ComparisonProgress.duration(steps.elapsedSeconds()));
            progress.flush();
            // Every run of a side ran on that side's build: a run that records no commit has that one.
            return new Outcome(ResultSet.read(a.label, plan.outputDirectory().resolve(a.label))
                    .withDefaultCommit(a.commit),
                    ResultSet.read(b.label, plan.outputDirectory().resolve(b.label)).withDefaultCommit(b.commit), order,
                    failedChecks);
        }
    }

    private void build(Side side) throws CompareException, IOException, InterruptedException {
        Path log = plan.outputDirectory().resolve(side.label).resolve("build.log");
        int exitCode = ShellCommand.run(plan.buildCommand(), side.worktree, log);
        if (exitCode != 0) {
            throw CompareException.failed("build of " + side.name + " (" + side.ref + ") failed with exit code "
                    + exitCode + "; see " + log);
        }
    }

    private List<String> runInterleaved(Side a, Side b, ComparisonProgress steps, List<String> failedChecks)
            throws CompareException, InterruptedException, IOException {
        List<String> order = new ArrayList<>();
        for (int round = 1; round <= plan.rounds(); round++) {
            String roundName = "run-" + round;
            for (int index = 0; index < plan.scenariosA().size(); index++) {
                for (Side side : round % 2 == 1 ? List.of(a, b) : List.of(b, a)) {
                    NamedScenario scenario = side.scenarios.get(index);
                    String runName = scenario.name() == null ? roundName : roundName + " " + scenario.name();
                    steps.starting("round " + round + "/" + plan.rounds() + ": " + side.name + " (" + side.ref + ") "
                            + (scenario.name() == null ? roundName : scenario.name()));
                    Path outDir = plan.outputDirectory().resolve(side.label).resolve(roundName);
                    if (scenario.name() != null) {
                        outDir = outDir.resolve(scenario.name());
                    }
                    Files.createDirectories(outDir);
                    try {
                        scenario.scenario().run(side.worktree, outDir);
                    } catch (Scenario.CheckFailed checkFailed) {
                        String failure = side.name + " (" + side.ref + ") " + runName + ": " + checkFailed.getMessage();
                        failedChecks.add(failure);
                        progress.println("compare: " + failure);
                        progress.flush();
                    } catch (IOException failure) {
                        throw CompareException.failed(side.name + " (" + side.ref + ") " + runName + " failed: "
                                + failure.getMessage(), failure);
                    }
                    order.add(side.name + " " + runName);
                    steps.finishedStep();
                }
            }
        }
        return order;
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    private static final class Side {
        final String name;
        final String ref;
        final String commit;
        final String label;
        final List<NamedScenario> scenarios;
        Path worktree;

        Side(String name, String ref, String commit, String label, List<NamedScenario> scenarios) {
            this.name = name;
            this.ref = ref;
            this.commit = commit;
            this.label = label;
            this.scenarios = scenarios;
        }
    }
}
