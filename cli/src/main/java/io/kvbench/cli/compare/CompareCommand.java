package io.kvbench.cli.compare;

import io.kvbench.net.OptionRange;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvbench compare A B}: a benchstat-style comparison of two sets of repeated runs. A and B are either
 * two result directories (each holding one subfolder per run) or two git refs, which are built and run
 * interleaved first. Exit codes: 0 compared, 1 a build or run failed, 2 bad usage or input.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two versions or configurations over repeated runs, as benchstat does: median, "
                + "95%% CI of the median, delta %%, Mann-Whitney U p-value, '~' when within noise.",
                "A and B are two result directories (one subfolder per run, each with summary.csv and/or "
                        + "elections.csv) or two git refs (tags or commits), which are built in worktrees and "
                        + "run --runs times each, interleaved A,B,A,B.",
                "Writes compare.csv (and compare.txt) into --out."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:compared", "1:a build or scenario run failed", "2:bad usage or input%n"})
public final class CompareCommand implements Callable<Integer> {

    public static final String DEFAULT_BUILD_COMMAND = "mvn -q -B -o package -DskipTests";

    @Parameters(index = "0", paramLabel = "A", description = "baseline: a results directory or a git ref")
    String first;

    @Parameters(index = "1", paramLabel = "B", description = "candidate: a results directory or a git ref")
    String second;

    @OptionRange(min = 1, max = 1_000)

    @Option(names = "--runs", defaultValue = "10", paramLabel = "N",
            description = "runs of each ref, interleaved (default: ${DEFAULT-VALUE}); 6 or more give a 95%% CI")
    int runs;

    @Option(names = "--scenario-cmd", paramLabel = "TEMPLATE",
            description = "bash command of one run; {worktree} and {outdir} are replaced by paths")
    String scenarioCommand;

    @Option(names = "--scenario-cmd-b", paramLabel = "TEMPLATE",
            description = "a different command for B's runs, to compare configurations (default: --scenario-cmd)")
    String scenarioCommandB;

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

    @Spec
    CommandSpec spec;

    private final Scenario defaultScenario;

    /** A command with no default scenario: comparing refs then needs --scenario-cmd. */
    public CompareCommand() {
        this(null);
    }

    /** A command that runs {@code defaultScenario} on each ref when --scenario-cmd is not given. */
    public CompareCommand(Scenario defaultScenario) {
        this.defaultScenario = defaultScenario;
    }

    @Override
    public Integer call() {
        PrintWriter output = spec.commandLine().getOut();
        PrintWriter errors = spec.commandLine().getErr();
        try {
            CompareTable table = comparesDirectories() ? compareDirectories() : compareRefs(errors);
            output.print(table.render());
            output.flush();
            return 0;
        } catch (CompareException failure) {
            errors.println("kvbench compare: " + failure.getMessage());
            errors.flush();
            return failure.exitCode();
        } catch (IOException failure) {
            errors.println("kvbench compare: " + failure);
            errors.flush();
            return CompareException.FAILED;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            errors.println("kvbench compare: interrupted");
            errors.flush();
            return CompareException.FAILED;
        }
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
        return firstIsDirectory;
    }

    private CompareTable compareDirectories() throws CompareException, IOException {
        ResultSet a = ResultSet.read(first, Path.of(first));
        ResultSet b = ResultSet.read(second, Path.of(second));
        CompareTable table = CompareTable.of(a, b);
        writeFiles(table, outputDirectory(Path.of(first).toAbsolutePath().normalize().getFileName().toString(),
                Path.of(second).toAbsolutePath().normalize().getFileName().toString()));
        return table;
    }

    private CompareTable compareRefs(PrintWriter progress)
            throws CompareException, IOException, InterruptedException {
        if (runs < 1) {
            throw CompareException.usage("--runs must be at least 1, not " + runs);
        }
        checkRefsExist();
        Scenario scenarioA = scenarioCommand != null ? new CommandTemplateScenario(scenarioCommand) : defaultScenario;
        if (scenarioA == null) {
            throw CompareException.usage("no scenario to run on the refs: give --scenario-cmd TEMPLATE "
                    + "(e.g. 'java -jar {worktree}/cli/target/kvbench.jar load ... --out {outdir}')");
        }
        Scenario scenarioB = scenarioCommandB != null ? new CommandTemplateScenario(scenarioCommandB) : scenarioA;
        Path outputDirectory = outputDirectory(first, second);
        Path scratchParent = scratch != null ? scratch : Path.of(System.getProperty("java.io.tmpdir"));
        RefComparison.Plan plan = new RefComparison.Plan(repository, first, second, runs, buildCommand, scenarioA,
                scenarioB, outputDirectory, scratchParent);
        RefComparison.Outcome outcome = new RefComparison(plan, progress).run();
        Files.write(outputDirectory.resolve("run-order.txt"), outcome.runOrder());
        CompareTable table = CompareTable.of(outcome.a(), outcome.b());
        writeFiles(table, outputDirectory);
        return table;
    }

    /** Fails before anything is built; an argument that looks like a path is also reported as a missing directory. */
    private void checkRefsExist() throws CompareException, IOException, InterruptedException {
        GitRepository git = GitRepository.containing(repository);
        for (String ref : java.util.List.of(first, second)) {
            try {
                git.resolveCommit(ref);
            } catch (CompareException notFound) {
                if (!forceRefs && ref.contains("/")) {
                    throw CompareException.usage(notFound.getMessage() + " (and results directory '" + ref
                            + "' does not exist)");
                }
                throw notFound;
            }
        }
    }

    private Path outputDirectory(String nameA, String nameB) {
        return out != null ? out : SideLabels.defaultOutputDirectory(Path.of("results"), nameA, nameB,
                LocalDateTime.now());
    }

    private void writeFiles(CompareTable table, Path outputDirectory) throws IOException {
        Files.createDirectories(outputDirectory);
        table.writeCsv(outputDirectory.resolve("compare.csv"));
        Files.writeString(outputDirectory.resolve("compare.txt"), table.render());
        spec.commandLine().getErr().println("kvbench compare: wrote " + outputDirectory.resolve("compare.csv"));
        spec.commandLine().getErr().println("kvbench compare: wrote " + io.kvbench.cli.report.ReportPage.write(outputDirectory));
        spec.commandLine().getErr().flush();
    }
}
