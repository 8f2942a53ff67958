package io.kvbench.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for benchmarks that write files. They are made under {@code -Dkvbench.data.dir} or,
 * by default, under {@code target/jmh-data} of the working directory: the same filesystem as the repository,
 * so fsync costs what it costs for a node's data directory there (not a tmpfs {@code /tmp}).
 */
public final class BenchmarkDirectories {
    public static final String DATA_DIRECTORY_PROPERTY = "kvbench.data.dir";

    private BenchmarkDirectories() {
    }

    public static Path base() {
        String configured = System.getProperty(DATA_DIRECTORY_PROPERTY);
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.dir"), "target", "jmh-data");
    }

    public static Path create(String prefix) {
        try {
            Path base = base();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code directory} and everything under it; a missing directory is fine. */
    public static void delete(Path directory) {
        if (directory == null || !Files.exists(directory)) return;
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
