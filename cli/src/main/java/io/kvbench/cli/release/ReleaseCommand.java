package io.kvbench.cli.release;

import io.kvbench.cli.Home;
import io.kvbench.cli.compare.CommandFailures;
import io.kvbench.cli.compare.CompareCommand;
import io.kvbench.cli.compare.CompareException;
import io.kvbench.cli.compare.GitRepository;
import io.kvbench.cli.compare.ReleasesFile;
import io.kvbench.cli.compare.ShellCommand;
import io.kvbench.cli.compare.Worktrees;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvbench release NAME}: runs the quality gate on a clean worktree of HEAD and, only when it is green,
 * tags HEAD with the annotated tag NAME and appends the release (commit, date, the gate's headline figures) to
 * RELEASES.md, committed. {@code --restore-tags} recreates missing tags from RELEASES.md. Exit codes: 0 released
 * (or tags restored), 1 the gate was red or a step failed (no tag and no record are left behind), 2 bad usage.
 */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = {"Release HEAD as NAME: run the quality gate (kvbench gate) on a clean worktree of HEAD and, only if it is green, "
                + "create the annotated tag NAME and append NAME, the commit, the date and the gate's headline figures to "
                + "RELEASES.md, committed. A red gate leaves no tag and no record.",
                "Tags do not travel with every copy of a repository; RELEASES.md does: compare resolves a release whose tag "
                        + "is missing through it, and --restore-tags recreates the tags.",
                "The gate takes several minutes (build, tests, the kill-leader test, a short campaign and benchmark)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:released, or tags restored", "1:the gate was red, or a step failed", "2:bad usage%n"})
public final class ReleaseCommand implements Callable<Integer> {

    /** The gate as a user runs it: the worktree's launcher (JVM options as ./kvbench gives them). */
    public static final String DEFAULT_GATE_COMMAND = "{worktree}/kvbench gate --out {outdir}";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the release's name, a valid tag name (e.g. v0.11-election)")
    String name;

    @Option(names = "--restore-tags", description = "create every tag RELEASES.md records that this clone lacks (no gate is run)")
    boolean restoreTags;

    @Option(names = "--repo", paramLabel = "DIR", description = "the git clone (default: the kvbench checkout)")
    Path repository;

    @Option(names = "--build-cmd", defaultValue = CompareCommand.DEFAULT_BUILD_COMMAND, paramLabel = "COMMAND",
            description = "bash command that builds the worktree before the gate (default: ${DEFAULT-VALUE})")
    String buildCommand;

    @Option(names = "--gate-cmd", defaultValue = DEFAULT_GATE_COMMAND, paramLabel = "TEMPLATE",
            description = "bash command of the gate; {worktree} and {outdir} are replaced by paths; exit 0 is green "
                    + "(default: ${DEFAULT-VALUE})")
    String gateCommand;

    @Option(names = "--out", paramLabel = "DIR", description = "the gate's output folder (default: results/NAME/gate/<time>/ in the clone)")
    Path out;

    @Option(names = "--scratch", paramLabel = "DIR", description = "where the temporary worktree goes (default: the system temp folder)")
    Path scratch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter output = spec.commandLine().getOut();
        PrintWriter errors = spec.commandLine().getErr();
        return CommandFailures.run("release", errors, () -> {
            GitRepository git = GitRepository.containing(repository != null ? repository : Home.directory());
            if (restoreTags) {
                if (name != null) {
                    throw CompareException.usage("--restore-tags takes no NAME: it restores every release in "
                            + ReleasesFile.NAME);
                }
                return restoreTags(git, output);
            }
            if (name == null) {
                throw CompareException.usage("give the release's NAME (e.g. kvbench release v0.11-election), or --restore-tags");
            }
            return release(git, output, errors);
        });
    }

    private int release(GitRepository git, PrintWriter output, PrintWriter errors)
            throws CompareException, IOException, InterruptedException {
        checkName(git);
        if (!git.status(ReleasesFile.NAME).isEmpty()) {
            throw CompareException.usage(ReleasesFile.NAME + " has uncommitted changes: commit or discard them first");
        }
        String commit = git.resolveCommit("HEAD");
        if (!git.status().isEmpty()) {
            errors.println("release: note: the checkout has uncommitted changes; they are not part of the release "
                    + "(the gate runs on a clean worktree of HEAD, " + commit.substring(0, 12) + ")");
        }
        Path gateOutput = (out != null ? out : git.root().resolve("results").resolve(name).resolve("gate")
                .resolve(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)))).toAbsolutePath();
        Files.createDirectories(gateOutput);
        int gateExit = runGate(git, commit, gateOutput, errors);
        if (gateExit != 0) {
            output.println("release: the quality gate is RED for " + name + " (" + commit.substring(0, 12)
                    + ", exit " + gateExit + "): no tag, no record; see " + gateOutput);
            output.flush();
            return CompareException.FAILED;
        }
        GateFigures figures;
        try {
            figures = GateFigures.read(gateOutput);
        } catch (CompareException unreadable) {
            throw CompareException.failed("the gate was green but its figures cannot be read (" + unreadable.getMessage()
                    + "): no tag, no record");
        }
        ReleasesFile.Release release = new ReleasesFile.Release(name, commit,
                DATE.format(ZonedDateTime.now(ZoneOffset.UTC)), figures.writeP50OverFloor(),
                figures.writeP99OverFloor(), figures.electionP50Millis(), figures.electionP99Millis(),
                figures.unavailabilityP50Millis(), figures.unavailabilityP99Millis(), figures.checkers(),
                figures.machine());
        String recordCommit = tagAndRecord(git, release, gateOutput);
        output.println("release: " + name + " is commit " + commit + "; quality gate green (" + gateOutput + ")");
        output.println("release: annotated tag " + name + " created; " + ReleasesFile.NAME + " records it in commit "
                + recordCommit.substring(0, 12) + ":");
        output.println("  " + release.describe());
        output.println("release: share both: git push origin " + name + " && git push");
        output.flush();
        return 0;
    }

    private void checkName(GitRepository git) throws CompareException, IOException, InterruptedException {
        if (!git.isValidTagName(name)) {
            throw CompareException.usage("'" + name + "' is not a valid tag name (git check-ref-format)");
        }
        if (git.tagCommit(name) != null) {
            throw CompareException.usage("tag " + name + " already exists (at " + git.tagCommit(name).substring(0, 12)
                    + "): a release name is used once");
        }
        if (ReleasesFile.in(git.root()).find(name).isPresent()) {
            throw CompareException.usage(ReleasesFile.NAME + " already records " + name
                    + " (kvbench release --restore-tags recreates its tag)");
        }
    }

    /** Builds a clean worktree of {@code commit} and runs the gate there; returns the gate's exit code. */
    private int runGate(GitRepository git, String commit, Path gateOutput, PrintWriter errors)
            throws CompareException, IOException, InterruptedException {
        Path scratchParent = scratch != null ? scratch : Path.of(System.getProperty("java.io.tmpdir"));
        try (Worktrees worktrees = Worktrees.open(git, scratchParent, "kvbench-release-", errors)) {
            Path worktree = worktrees.add("release-" + name.replaceAll("[^A-Za-z0-9._-]", "_"), commit);
            Path buildLog = gateOutput.resolve("release-build.log"); // the gate writes its own build.log
            errors.println("release: building " + commit.substring(0, 12) + " in a clean worktree (" + worktree
                    + "; log " + buildLog + ")");
            errors.flush();
            int buildExit = ShellCommand.run(buildCommand, worktree, buildLog);
            if (buildExit != 0) {
                errors.println("release: the build failed (exit " + buildExit + "; see " + buildLog + ")");
                return buildExit;
            }
            String command = gateCommand
                    .replace("{worktree}", ShellCommand.quote(worktree.toString()))
                    .replace("{outdir}", ShellCommand.quote(gateOutput.toString()));
            errors.println("release: running the quality gate: " + command);
            errors.flush();
            return ShellCommand.runEchoing(command, worktree, gateOutput.resolve("gate.log"),
                    Map.of("KVBENCH_HOME", worktree.toString()), errors);
        }
    }

    /** Tags, then commits the record; a failed commit takes the tag back, so neither is left alone. */
    private String tagAndRecord(GitRepository git, ReleasesFile.Release release, Path gateOutput)
            throws CompareException, IOException, InterruptedException {
        ReleasesFile releases = ReleasesFile.in(git.root());
        String previous = Files.isRegularFile(releases.file())
                ? Files.readString(releases.file(), StandardCharsets.UTF_8) : null;
        git.createAnnotatedTag(name, release.commit(), "kvbench release " + name + ": quality gate green ("
                + git.root().relativize(gateOutput.toAbsolutePath()) + ")");
        try {
            Files.writeString(releases.file(), releases.withAppended(release), StandardCharsets.UTF_8);
            return git.commitFile(ReleasesFile.NAME, "Release " + name + ": " + ReleasesFile.NAME + " records commit "
                    + release.commit().substring(0, 12) + " and its quality gate's figures");
        } catch (CompareException failure) {
            undo(git, releases.file(), previous);
            throw CompareException.failed(failure.getMessage() + "; the tag was removed again: no tag, no record");
        } catch (IOException failure) {
            undo(git, releases.file(), previous);
            throw failure;
        }
    }

    private void undo(GitRepository git, Path releasesFile, String previous) throws IOException, InterruptedException {
        git.deleteTag(name);
        git.unstage(ReleasesFile.NAME);
        if (previous == null) {
            Files.deleteIfExists(releasesFile);
        } else {
            Files.writeString(releasesFile, previous, StandardCharsets.UTF_8);
        }
    }

    private int restoreTags(GitRepository git, PrintWriter output)
            throws CompareException, IOException, InterruptedException {
        ReleasesFile releases = ReleasesFile.in(git.root());
        if (releases.releases().isEmpty()) {
            output.println("release: " + git.root().resolve(ReleasesFile.NAME) + " records no release: nothing to restore");
            output.flush();
            return 0;
        }
        int problems = 0;
        for (ReleasesFile.Release release : releases.releases()) {
            String existing = git.tagCommit(release.name());
            if (existing != null) {
                if (existing.equals(release.commit())) {
                    output.println("release: " + release.name() + ": tag present");
                } else {
                    problems++;
                    output.println("release: " + release.name() + ": tag points to " + existing.substring(0, 12) + ", "
                            + ReleasesFile.NAME + " says " + release.commit().substring(0, 12) + ": left alone");
                }
            } else if (!git.hasCommit(release.commit())) {
                problems++;
                output.println("release: " + release.name() + ": commit " + release.commit().substring(0, 12)
                        + " is not in this clone (git fetch?): not restored");
            } else {
                git.createAnnotatedTag(release.name(), release.commit(), "kvbench release " + release.name()
                        + " (tag restored from " + ReleasesFile.NAME + "; released " + release.date() + ")");
                output.println("release: " + release.name() + ": tag restored at " + release.commit().substring(0, 12));
            }
        }
        output.flush();
        return problems == 0 ? 0 : CompareException.FAILED;
    }
}
