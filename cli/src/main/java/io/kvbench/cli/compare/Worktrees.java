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
 * Detached git worktrees made for one comparison or release, in a fresh scratch folder of their own; closing
 * removes them and the folder, as does a shutdown hook if the JVM is stopped first (removal is idempotent).
 */
public final class Worktrees implements AutoCloseable {
    private final GitRepository repository;
    private final Path scratch;
    private final PrintWriter progress;
    private final List<Path> added = new ArrayList<>();
    private final Thread cleanupOnExit;
    private boolean removed;

    private Worktrees(GitRepository repository, Path scratch, PrintWriter progress) {
        this.repository = repository;
        this.scratch = scratch;
        this.progress = progress;
        this.cleanupOnExit = new Thread(this::removeAll, "worktree-cleanup");
    }

    /** A fresh folder {@code <scratchParent>/<prefix>...} for the worktrees, removed on close or JVM exit. */
    public static Worktrees open(GitRepository repository, Path scratchParent, String prefix, PrintWriter progress)
            throws IOException {
        Files.createDirectories(scratchParent);
        Worktrees worktrees = new Worktrees(repository, Files.createTempDirectory(scratchParent, prefix), progress);
        Runtime.getRuntime().addShutdownHook(worktrees.cleanupOnExit);
        return worktrees;
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; removeAll is idempotent
        }
    }

    public synchronized Path add(String label, String commit) throws CompareException, IOException, InterruptedException {
        Path path = scratch.resolve(label);
        added.add(path);
        repository.addDetachedWorktree(path, commit);
        return path;
    }

    private synchronized void removeAll() {
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
