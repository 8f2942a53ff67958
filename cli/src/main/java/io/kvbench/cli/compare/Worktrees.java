package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Detached git worktrees made for one comparison or release, in a scratch folder of their own, and their removal
 * (safe to call twice, from a shutdown hook too).
 */
public final class Worktrees {
    private final GitRepository repository;
    private final Path scratch;
    private final PrintWriter progress;
    private final List<Path> added = new ArrayList<>();
    private boolean removed;

    public Worktrees(GitRepository repository, Path scratch, PrintWriter progress) {
        this.repository = repository;
        this.scratch = scratch;
        this.progress = progress;
    }

    public synchronized Path add(String label, String commit) throws CompareException, IOException, InterruptedException {
        Path path = scratch.resolve(label);
        added.add(path);
        repository.addDetachedWorktree(path, commit);
        return path;
    }

    public synchronized void removeAll() {
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
