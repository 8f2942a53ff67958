package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The few git commands a version comparison needs, run with {@code git -C <repository>}. */
final class GitRepository {

    private final Path root;

    private GitRepository(Path root) {
        this.root = root;
    }

    /** The repository that holds {@code directory}; a usage error when it is not in a git clone. */
    static GitRepository containing(Path directory) throws CompareException, IOException, InterruptedException {
        GitOutput output = git(directory, "rev-parse", "--show-toplevel");
        if (output.exitCode() != 0) {
            throw CompareException.usage("'" + directory + "' is not in a git clone, so refs cannot be compared ("
                    + firstLine(output.text()) + ")");
        }
        return new GitRepository(Path.of(output.text().strip()));
    }

    Path root() {
        return root;
    }

    /** The commit a tag, branch or commit name points to; a clear usage error when the clone lacks it. */
    String resolveCommit(String ref) throws CompareException, IOException, InterruptedException {
        if (ref.isBlank() || ref.startsWith("-")) {
            throw CompareException.usage("'" + ref + "' is not a git ref");
        }
        GitOutput output = git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
        if (output.exitCode() != 0) {
            throw CompareException.usage("ref '" + ref + "' not found in this clone; git fetch --tags?");
        }
        return output.text().strip();
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
