package io.kvbench.wal;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.util.List;

/**
 * What {@link Wal#open} found on disk. {@code snapshot} is {@link Snapshot#EMPTY} when there is none (its content is
 * read through {@link Wal#openSnapshot});
 * {@code entries} are contiguous and start right after the snapshot. {@code voteFenceIndex} is 0 except for a
 * node rebuilt after its storage was lost ({@link Wal#createRebuilt}): it grants no vote until its log reaches that
 * index (docs/storage-recovery.md).
 */
public record RecoveredState(HardState hardState, Snapshot snapshot, List<Entry> entries, long voteFenceIndex) {
    public RecoveredState(HardState hardState, Snapshot snapshot, List<Entry> entries) {
        this(hardState, snapshot, entries, 0);
    }

    public RecoveredState {
        if (voteFenceIndex < 0) throw new IllegalArgumentException("negative vote fence index " + voteFenceIndex);
        if (hardState == null || snapshot == null || entries == null) {
            throw new IllegalArgumentException("null part in recovered state");
        }
        entries = List.copyOf(entries);
        long expectedIndex = snapshot.lastIndex() + 1;
        for (Entry entry : entries) {
            if (entry.index() != expectedIndex) {
                throw new IllegalArgumentException("recovered entries not contiguous after snapshot at "
                        + snapshot.lastIndex() + ": expected " + expectedIndex + ", found " + entry.index());
            }
            expectedIndex++;
        }
    }

    /** Index of the last entry, or of the snapshot when the log after it is empty. */
    public long lastIndex() {
        return entries.isEmpty() ? snapshot.lastIndex() : entries.get(entries.size() - 1).index();
    }
}
