package io.kvbench.wal;

import java.nio.file.Path;

/**
 * A snapshot file written and forced by {@link Wal#stageSnapshot} off the WAL thread, waiting to be made the
 * current snapshot by {@link Wal#installStagedSnapshot} (a rename on the WAL thread) or dropped by
 * {@link Wal#discardStagedSnapshot}.
 */
public final class StagedSnapshot {
    private final long lastIndex;
    private final long lastTerm;
    private final long sizeBytes;
    final Path file;

    StagedSnapshot(long lastIndex, long lastTerm, long sizeBytes, Path file) {
        this.lastIndex = lastIndex;
        this.lastTerm = lastTerm;
        this.sizeBytes = sizeBytes;
        this.file = file;
    }

    public long lastIndex() {
        return lastIndex;
    }

    public long lastTerm() {
        return lastTerm;
    }

    /** The staged file's size, the snapshot's data and its header. */
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public String toString() {
        return "StagedSnapshot{" + lastIndex + "@" + lastTerm + " " + file.getFileName() + "}";
    }
}
