package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The few git commands a version comparison and a release need, run with {@code git -C <repository>}. */
public final class GitRepository {

    private final Path root;

    private GitRepository(Path root) {
        this.root = root;
    }

    /** The repository that holds {@code directory}; a usage error when it is not in a git clone. */
    public static GitRepository containing(Path directory) throws CompareException, IOException, InterruptedException {
        GitOutput output = git(directory, "rev-parse", "--show-toplevel");
        if (output.exitCode() != 0) {
            throw CompareException.usage("'" + directory + "' is not in a git clone, so refs cannot be compared ("
                    + firstLine(output.text()) + ")");
        }
        return new GitRepository(Path.of(output.text().strip()));
    }

    public Path root() {
        return root;
    }

    /**
     * A ref resolved to a commit; {@code notice} says how when it was not a git ref of this clone (a release
     * recorded in RELEASES.md whose tag is missing), else it is null.
     */
    public record Resolution(String commit, String notice) {
    }

    /** The commit a tag, branch or commit name points to; a clear usage error when the clone lacks it. */
    public String resolveCommit(String ref) throws CompareException, IOException, InterruptedException {
        return resolve(ref).commit();
    }

    /**
     * Git refs first; a release name recorded in RELEASES.md whose tag this clone lacks resolves to the recorded
     * commit, with a notice saying so; anything else is a usage error.
     */
    public Resolution resolve(String ref) throws CompareException, IOException, InterruptedException {
        if (ref.isBlank() || ref.startsWith("-")) {
            throw CompareException.usage("'" + ref + "' is not a git ref");
        }
        GitOutput output = git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
        if (output.exitCode() == 0) {
            return new Resolution(output.text().strip(), null);
        }
        ReleasesFile releases = ReleasesFile.in(root);
        java.util.Optional<ReleasesFile.Release> release = releases.find(ref);
        if (release.isEmpty()) {
            throw CompareException.usage("ref '" + ref + "' not found in this clone"
                    + (releases.releases().isEmpty() ? "" : " nor in " + ReleasesFile.NAME) + "; git fetch --tags?");
        }
        String commit = release.get().commit();
        if (!hasCommit(commit)) {
            throw CompareException.usage("release '" + ref + "' is commit " + commit + " in " + ReleasesFile.NAME
                    + ", which this clone does not have; git fetch?");
        }
        return new Resolution(commit, "'" + ref + "' is not a tag in this clone: " + ReleasesFile.NAME
                + " records release " + ref + " as commit " + commit.substring(0, 12)
                + " (kvbench release --restore-tags recreates its tag)");
    }

    /** True when the clone has this commit. */
    public boolean hasCommit(String commit) throws IOException, InterruptedException {
        return git(root, "cat-file", "-e", commit + "^{commit}").exitCode() == 0;
    }

    /** The commit a tag points to, or null when there is no such tag. */
    public String tagCommit(String name) throws IOException, InterruptedException {
        GitOutput output = git(root, "rev-parse", "--verify", "--quiet", "refs/tags/" + name + "^{commit}");
        return output.exitCode() == 0 ? output.text().strip() : null;
    }

    /** True when {@code name} is a valid tag name (git check-ref-format). */
    public boolean isValidTagName(String name) throws IOException, InterruptedException {
        return !name.startsWith("-") && git(root, "check-ref-format", "refs/tags/" + name).exitCode() == 0;
    }

    /** Creates the annotated tag {@code name} on {@code commit}. */
    public void createAnnotatedTag(String name, String commit, String message)
            throws CompareException, IOException, InterruptedException {
        GitOutput output = git(root, "tag", "-a", name, "-m", message, commit);
        if (output.exitCode() != 0) {
            throw CompareException.failed("git tag -a " + name + " failed: " + firstLine(output.text()));
        }
    }

    public void deleteTag(String name) throws IOException, InterruptedException {
        git(root, "tag", "-d", name);
    }

    /** Lines of {@code git status --porcelain} for the given paths (all when none): empty when clean. */
    public List<String> status(String... paths) throws CompareException, IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("status", "--porcelain", "--untracked-files=no"));
        if (paths.length > 0) {
            arguments.add("--");
            arguments.addAll(List.of(paths));
        }
        GitOutput output = git(root, arguments.toArray(String[]::new));
        if (output.exitCode() != 0) {
            throw CompareException.failed("git status failed: " + firstLine(output.text()));
        }
        return output.text().lines().filter(line -> !line.isBlank()).toList();
    }

    /** Puts the index's copy of a path back to HEAD's (undoes a {@code git add}). */
    public void unstage(String path) throws IOException, InterruptedException {
        git(root, "reset", "-q", "--", path);
    }

    /** Commits one file (its working-tree content, only it, whatever else is staged); returns the new commit. */
    public String commitFile(String path, String message) throws CompareException, IOException, InterruptedException {
        GitOutput added = git(root, "add", "--", path);
        if (added.exitCode() != 0) {
            throw CompareException.failed("git add " + path + " failed: " + firstLine(added.text()));
        }
        GitOutput committed = git(root, "commit", "-q", "-m", message, "--", path);
        if (committed.exitCode() != 0) {
            throw CompareException.failed("git commit " + path + " failed: " + firstLine(committed.text()));
        }
        return resolveCommit("HEAD");
    }

    void addDetachedWorktree(Path path, String commit) throws CompareException, IOException, InterruptedException {
        GitOutput output = git(root, "worktree", "add", "--detach", path.toAbsolutePath().toString(), commit);
        if (output.exitCode() != 0) {
            throw CompareException.failed("git worktree add " + path + " " + commit + " failed: "
                    + firstLine(output.text()));
        }
    }

    /** Removes a worktree made by {@link #addDetachedWorktree}; returns git's complaint, or null when it went. */
    String removeWorktree(Path path) throws IOException, InterruptedException {
        GitOutput output = git(root, "worktree", "remove", "--force", path.toAbsolutePath().toString());
        git(root, "worktree", "prune");
        return output.exitCode() == 0 ? null : firstLine(output.text());
    }

    private record GitOutput(int exitCode, String text) {
    }

    private static GitOutput git(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", directory.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String text;
        try (InputStream stream = process.getInputStream()) {
            text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new GitOutput(process.waitFor(), text);
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return end < 0 ? stripped : stripped.substring(0, end);
    }
}
