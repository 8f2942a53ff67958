package io.kvbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * A run's output folder, made for the run and removed again if the run fails while it holds no file: a run that
 * failed to start leaves no empty result folder (issue 20, finding 7), while one that wrote something (a node's log
 * of a cluster that would not start) keeps it for the reader of its error. The folders above it that were made for it
 * (a new scenario's folder) go too; nothing that existed before is removed.
 */
final class RunFolder {
    private final Path path;
    /** The folders {@link #create} made, the run's own first, then each parent it had to make. */
    private final List<Path> made;

    private RunFolder(Path path, List<Path> made) {
        this.path = path;
        this.made = made;
    }

    /** {@code requested} (--out), or a new {@code results/<version>/<scenario>/<time>/}, made now. */
    static RunFolder create(Path requested, String scenario) throws IOException {
        Path path = requested != null ? requested : ResultsLayout.runPath(ResultsLayout.defaultRoot(), scenario);
        List<Path> made = new ArrayList<>();
        for (Path folder = path.toAbsolutePath(); folder != null && !Files.exists(folder); folder = folder.getParent()) made.add(folder);
        Files.createDirectories(path);
        return new RunFolder(path, made);
    }

    Path path() {
        return path;
    }

    /** Runs {@code body}; if it throws, removes what {@link #create} made, as far as it is still empty, and rethrows. */
    <T> T run(Callable<T> body) throws Exception {
        try {
            return body.call();
        } catch (Exception | Error e) {
            removeIfEmpty();
            throw e;
        }
    }

    void removeIfEmpty() {
        if (made.isEmpty()) return; // it existed before the run: not ours to remove
        try (Stream<Path> inside = Files.walk(path)) {
            // Deepest first: a folder holding only empty folders is empty once they are gone.
            for (Path folder : inside.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                if (!folder.equals(path)) deleteIfEmpty(folder);
            }
        } catch (IOException e) {
            return;
        }
        for (Path folder : made) {
            if (!deleteIfEmpty(folder)) return;
        }
    }

    private static boolean deleteIfEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isPresent()) return false;
            Files.delete(folder);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
