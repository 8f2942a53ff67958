package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import io.kvbench.net.OptionRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvbench compare A B}: a benchstat-style comparison of two sets of repeated runs, configuration by
 * configuration. A and B are either two result directories or two git refs (or release names), which are built
 * and run interleaved first: the default suite ({@link SuiteScenario}) or {@code --scenario-cmd}. Exit codes: 0
 * compared, 1 a build or run failed, 2 bad usage or input.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two versions or configurations over repeated runs, as benchstat does: per configuration "
                + "and metric the median, its 95%% CI, delta %%, Mann-Whitney U p-value, '~' when within noise.",
                "A and B are two result directories (runs found in them and below them: summary.csv, elections.csv, "
                        + "JMH JSON) or two git refs or release names (RELEASES.md), each built once in its own "
                        + "worktree; then, interleaved A,B,A,B for --rounds rounds, the default suite: "
                        + "sequential-writes, fixed-rate, peak-16-clients, leader-kill (about 10 minutes; --quick about "
                        + "5), or --scenario-cmd.",
                "Runs are grouped by their configuration (run.json): only equal configurations are compared, the "
                        + "others are listed; an experiment run with different settings on each side is an error "
                        + "unless --ignore names the keys.",
                "Writes compare.txt, compare.md, compare.csv, compare-runs.csv and charts into --out."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:compared", "1:a build or a run failed, or a run's own check failed (a load's errors, a campaign's "
                + "checker; its figures are still compared)", "2:bad usage or input%n"})
public final class CompareCommand implements Callable<Integer> {

    /** Builds the jar only: tests are neither compiled nor run (-Dmaven.test.skip), offline (-o). */
    public static final String DEFAULT_BUILD_COMMAND = "mvn -q -B -o package -Dmaven.test.skip=true";
    /** Rounds of a --scenario-cmd comparison when --rounds is not given. */
    static final int DEFAULT_COMMAND_ROUNDS = 10;

    @Parameters(index = "0", paramLabel = "A", description = "baseline: a results directory, a git ref or a release name")
    String first;

    @Parameters(index = "1", paramLabel = "B", description = "candidate: a results directory, a git ref or a release name")
    String second;

    @OptionRange(min = 1, max = 1_000)
    @Option(names = {"--rounds", "--runs"}, paramLabel = "N",
            description = "rounds of runs, each on A then B (default: 6 for the suite, 4 with --quick, "
                    + DEFAULT_COMMAND_ROUNDS + " with --scenario-cmd); 6 or more give a 95%% CI, 4 or more can "
                    + "show a significant change")
    Integer rounds;

    @Option(names = "--quick", description = "the suite's short form: 4 rounds, 2 s of load per scenario, 3 leader "
            + "kills (about 5 minutes with both builds)")
    boolean quick;

    @Option(names = "--scenario", split = ",", paramLabel = "NAME",
            description = "run only these scenarios of the suite: sequential-writes, fixed-rate, peak-16-clients, "
                    + "leader-kill (default: all)")
    List<String> scenarioNames;

    @Option(names = "--scenario-cmd", paramLabel = "TEMPLATE",
            description = "instead of the suite, this bash command is one run; {worktree} and {outdir} are replaced "
                    + "by paths")
    String scenarioCommand;

    @Option(names = "--scenario-cmd-b", paramLabel = "TEMPLATE",
            description = "a different command for B's runs, to compare configurations (default: --scenario-cmd)")
    String scenarioCommandB;

    @Option(names = "--ignore", split = ",", paramLabel = "KEY",
            description = "configuration keys to leave out when pairing A's configurations with B's (e.g. "
                    + "heartbeatMillis to compare two heartbeats); never pools two configurations of one side")
    List<String> ignoredKeys = new ArrayList<>();

    @Option(names = "--build-cmd", defaultValue = DEFAULT_BUILD_COMMAND, paramLabel = "COMMAND",
            description = "bash command that builds a worktree (default: ${DEFAULT-VALUE})")
    String buildCommand;

    @Option(names = "--out", paramLabel = "DIR",
            description = "folder of this comparison (default: results/compare-<A>-vs-<B>-<timestamp>)")
    Path out;

    @Option(names = "--repo", defaultValue = ".", paramLabel = "DIR",
            description = "the git clone holding the refs (default: the current directory)")
    Path repository;

    @Option(names = "--scratch", paramLabel = "DIR",
            description = "where the temporary worktrees go (default: the system temp folder)")
    Path scratch;

    @Option(names = "--refs", description = "treat A and B as git refs even if directories of those names exist")
    boolean forceRefs;

    @Option(names = "--no-plot", description = "do not draw the charts")
    boolean noPlot;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter output = spec.commandLine().getOut();
        PrintWriter errors = spec.commandLine().getErr();
        return CommandFailures.run("compare", errors, () -> {
            Compared compared = comparesDirectories() ? compareDirectories() : compareRefs(errors);
            output.print(compared.table().render());
            output.flush();
            finish(compared);
            if (compared.failedChecks() > 0) {
                errors.println("kvbench compare: " + compared.failedChecks() + " run(s) ran but failed their own "
                        + "check (their figures are in the table; see the notes)");
                errors.flush();
                return CompareException.FAILED;
            }
            return 0;
        });
    }

    private record Compared(CompareTable table, ResultSet a, ResultSet b, Path directory, int failedChecks) {
    }

    /** Directories when both exist (and --refs is not given); a usage error when only one does. */
    private boolean comparesDirectories() throws CompareException {
        if (forceRefs) {
            return false;
        }
        boolean firstIsDirectory = Files.isDirectory(Path.of(first));
        boolean secondIsDirectory = Files.isDirectory(Path.of(second));
        if (firstIsDirectory != secondIsDirectory) {
            String missing = firstIsDirectory ? second : first;
            throw CompareException.usage("results directory '" + missing + "' does not exist (give two results "
                    + "directories, or two git refs with --refs)");
        }
        if (firstIsDirectory) {
            for (String refOnly : List.of("--rounds", "--quick", "--scenario", "--scenario-cmd", "--scenario-cmd-b",
                    "--build-cmd", "--scratch")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(refOnly)) {
                    throw CompareException.usage(refOnly + " applies to comparing git refs, not result directories");
                }
            }
        }
        return firstIsDirectory;
    }

    private Compared compareDirectories() throws CompareException, IOException {
        ResultSet a = ResultSet.read(first, Path.of(first));
        ResultSet b = ResultSet.read(second, Path.of(second));
        CompareTable table = CompareTable.of(a, b, ignored());
        Path directory = outputDirectory(Path.of(first).toAbsolutePath().normalize().getFileName().toString(),
                Path.of(second).toAbsolutePath().normalize().getFileName().toString());
        writeFiles(table, a, b, directory);
        return new Compared(table, a, b, directory, 0);
    }

    private Compared compareRefs(PrintWriter progress) throws CompareException, IOException, InterruptedException {
        List<RefComparison.NamedScenario> scenariosA = scenarios(false);
        List<RefComparison.NamedScenario> scenariosB = scenarios(true);
        int roundCount = rounds != null ? rounds : scenarioCommand != null ? DEFAULT_COMMAND_ROUNDS
                : settings().rounds();
        if (roundCount < 1) {
            throw CompareException.usage("--rounds must be at least 1, not " + roundCount);
        }
        String commitA = resolve(first, progress);
        String commitB = resolve(second, progress);
        Path outputDirectory = outputDirectory(first, second);
        Path scratchParent = scratch != null ? scratch : Path.of(System.getProperty("java.io.tmpdir"));
        RefComparison.Plan plan = new RefComparison.Plan(repository, first, commitA, second, commitB, roundCount,
                buildCommand, scenariosA, scenariosB, outputDirectory, scratchParent);
        RefComparison.Outcome outcome = new RefComparison(plan, progress).run();
        Files.write(outputDirectory.resolve("run-order.txt"), outcome.runOrder());
        CompareTable table = CompareTable.of(outcome.a(), outcome.b(), ignored()).withNotes(outcome.failedChecks()
                .stream().map(failure -> "check failed: " + failure).toList());
        writeFiles(table, outcome.a(), outcome.b(), outputDirectory);
        return new Compared(table, outcome.a(), outcome.b(), outputDirectory, outcome.failedChecks().size());
    }

    private SuiteSettings settings() {
        return quick ? SuiteSettings.QUICK : SuiteSettings.FULL;
    }

    /** --scenario-cmd (B: --scenario-cmd-b), else the suite's scenarios (all, or --scenario's). */
    private List<RefComparison.NamedScenario> scenarios(boolean forB) throws CompareException {
        if (scenarioCommand != null) {
            if (scenarioNames != null || quick) {
                throw CompareException.usage((quick ? "--quick" : "--scenario") + " picks from the default suite; "
                        + "it cannot be combined with --scenario-cmd");
            }
            String template = forB && scenarioCommandB != null ? scenarioCommandB : scenarioCommand;
            return List.of(new RefComparison.NamedScenario(null, new CommandTemplateScenario(template), 30));
        }
        if (scenarioCommandB != null) {
            throw CompareException.usage("--scenario-cmd-b needs --scenario-cmd (the suite runs the same on both)");
        }
        Set<SuiteScenario> chosen = new LinkedHashSet<>();
        if (scenarioNames == null || scenarioNames.isEmpty()) {
            chosen.addAll(List.of(SuiteScenario.values()));
        } else {
            for (String name : scenarioNames) {
                chosen.add(SuiteScenario.parse(name));
            }
        }
        SuiteSettings settings = settings();
        return chosen.stream().sorted().map(scenario -> new RefComparison.NamedScenario(scenario.label(),
                new SuiteRun(scenario, settings), scenario.estimateSeconds(settings))).toList();
    }

    /** Fails before anything is built; an argument that looks like a path is also reported as a missing directory. */
    private String resolve(String ref, PrintWriter progress) throws CompareException, IOException, InterruptedException {
        GitRepository git = GitRepository.containing(repository);
        try {
            GitRepository.Resolution resolution = git.resolve(ref);
            if (resolution.notice() != null) {
                progress.println("compare: " + resolution.notice());
                progress.flush();
            }
            return resolution.commit();
        } catch (CompareException notFound) {
            if (!forceRefs && ref.contains("/")) {
                throw CompareException.usage(notFound.getMessage() + " (and results directory '" + ref
                        + "' does not exist)");
            }
            throw notFound;
        }
    }

    /**
     * The keys given with --ignore, and always the generator's {@code pacing}: a key of how the harness measured, not
     * of what was measured, and one that changed in issue 19; a pair whose sides differ in it is still compared, and
     * its label says "pacing=threads vs event-loop" (so a comparison across that change does not pass unremarked).
     */
    static final String ALWAYS_IGNORED_KEY = "pacing";

    private Set<String> ignored() {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(ALWAYS_IGNORED_KEY);
        ignoredKeys.forEach(key -> keys.add(key.trim()));
        keys.remove("");
        return keys;
    }

    private Path outputDirectory(String nameA, String nameB) {
        return out != null ? out : SideLabels.defaultOutputDirectory(Path.of("results"), nameA, nameB,
                LocalDateTime.now());
    }

    private void writeFiles(CompareTable table, ResultSet a, ResultSet b, Path outputDirectory) throws IOException {
        Files.createDirectories(outputDirectory);
        table.writeCsv(outputDirectory.resolve("compare.csv"));
        RoundValuesCsv.write(outputDirectory.resolve(RoundValuesCsv.FILE), table, a, b);
        Files.writeString(outputDirectory.resolve("compare.txt"), table.render());
        Files.writeString(outputDirectory.resolve("compare.md"), table.markdown(List.of()));
        spec.commandLine().getErr().println("kvbench compare: wrote " + outputDirectory.resolve("compare.csv"));
        spec.commandLine().getErr().println("kvbench compare: wrote " + io.kvbench.cli.report.ReportPage.write(outputDirectory));
        spec.commandLine().getErr().flush();
    }

    /** Draws the charts (a failure to draw is said, not fatal: the figures are written) and links them in compare.md. */
    private void finish(Compared compared) throws IOException {
        if (noPlot) {
            return;
        }
        PrintWriter errors = spec.commandLine().getErr();
        List<String> charts = CompareCharts.draw(compared.directory(), errors);
        Files.writeString(compared.directory().resolve("compare.md"), compared.table().markdown(charts));
        errors.println("kvbench compare: wrote " + compared.directory().resolve("compare.md"));
        errors.flush();
    }
}
