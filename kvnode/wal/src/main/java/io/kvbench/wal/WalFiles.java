package io.kvbench.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Names of the files in a WAL directory. Indexes are 16 lower-case hex digits so names sort by index. */
final class WalFiles {
    static final String HARD_STATE_FILE = "hardstate";
    static final String TEMP_SUFFIX = ".tmp";
    /** The next segment while it is being preallocated or waits to be renamed to its first index's name. */
    static final String PREALLOCATED_SEGMENT_FILE = "wal-preallocated" + TEMP_SUFFIX;
    private static final Pattern SEGMENT = Pattern.compile("wal-([0-9a-f]{16})\\.log");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-([0-9a-f]{16})\\.snap");

    /** A file named for an index: a segment's first entry or a snapshot's last included entry. */
    record IndexedFile(Path path, long index) {
    }

    private WalFiles() {
    }

    static String segmentName(long firstIndex) {
        return String.format("wal-%016x.log", firstIndex);
    }

    static String snapshotName(long lastIndex) {
        return String.format("snapshot-%016x.snap", lastIndex);
    }

    /**
     * A snapshot written in the background, durable but not yet the current one. A temp file: recovery deletes it,
     * so a crash before the WAL thread renamed it to {@link #snapshotName} leaves the previous snapshot current.
     */
    static String stagedSnapshotName(long lastIndex) {
        return String.format("snapshot-%016x.staged", lastIndex) + TEMP_SUFFIX;
    }

    /** A snapshot being received from the leader, chunk by chunk; a temp file until installed by rename. */
    static String receivedSnapshotName(long lastIndex) {
        return String.format("snapshot-%016x.received", lastIndex) + TEMP_SUFFIX;
    }

    static List<IndexedFile> segments(Path directory) throws IOException {
        return list(directory, SEGMENT);
    }

    static List<IndexedFile> snapshots(Path directory) throws IOException {
        return list(directory, SNAPSHOT);
    }

    static List<Path> tempFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().endsWith(TEMP_SUFFIX)).sorted().toList();
        }
    }

    /** Sorted by index ascending. */
    private static List<IndexedFile> list(Path directory, Pattern pattern) throws IOException {
        List<IndexedFile> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : (Iterable<Path>) files::iterator) {
                Matcher matcher = pattern.matcher(path.getFileName().toString());
                if (matcher.matches()) found.add(new IndexedFile(path, Long.parseUnsignedLong(matcher.group(1), 16)));
            }
        }
        found.sort((a, b) -> Long.compare(a.index(), b.index()));
        return found;
    }
}
