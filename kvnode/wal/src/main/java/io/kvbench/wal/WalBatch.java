package io.kvbench.wal;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import java.util.List;

/**
 * One unit of work from the core: any of a new hard state, a snapshot received from the leader (already written and
 * checked in full, {@link IncomingSnapshot#finish}: the batch installs it by a rename), and new contiguous log
 * entries. They are applied in the order snapshot, entries, hard state, except that a higher term is
 * made durable before the snapshot and entries (so the log never holds a term the hard state does not); all three
 * are durable when the batch's callback reports so.
 */
public record WalBatch(HardState hardState, List<Entry> entries, StagedSnapshot snapshot) {
    private static final WalBatch EMPTY = new WalBatch(null, List.of(), null);

    public WalBatch {
        entries = entries == null ? List.of() : List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("batch entries not contiguous: " + entries.get(i - 1)
                        + " then " + entries.get(i));
            }
        }
        if (snapshot != null && snapshot.lastIndex() <= 0) {
            throw new IllegalArgumentException("an empty snapshot is no snapshot: pass null");
        }
    }

    public static WalBatch ofEntries(List<Entry> entries) {
        return new WalBatch(null, entries, null);
    }

    public static WalBatch ofHardState(HardState hardState) {
        return new WalBatch(hardState, List.of(), null);
    }

    public static WalBatch ofSnapshot(StagedSnapshot snapshot) {
        return new WalBatch(null, List.of(), snapshot);
    }

    /** Writes nothing; completes once everything submitted before it is durable. */
    public static WalBatch empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return hardState == null && entries.isEmpty() && snapshot == null;
    }
}
