package io.kvbench.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory log: a snapshot that covers indices up to {@code snapshotIndex}, then contiguous entries.
 * It also tracks what of it is durable ({@code stableIndex}) and what has not yet been handed to the
 * runtime for persistence ({@code unpersistedFrom}), so the core knows which entries it may count as its
 * own acknowledgement and apply.
 */
final class RaftLog {
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Highest index known to be on stable storage here. */
    private long stableIndex;
    /** Lowest index not yet handed out in a Ready for persistence. */
    private long unpersistedFrom;
    /** {@link Entry#sizeBytes()} summed over {@link #entries}: what the log holds in memory. */
    private long bytes;

    RaftLog(Snapshot snapshot, List<Entry> durableEntries) {
        this.snapshot = snapshot;
        long expected = snapshot.lastIndex() + 1;
        for (Entry entry : durableEntries) {
            if (entry.index() < expected) continue; // covered by the snapshot
            if (entry.index() != expected) {
                throw new IllegalStateException("log gap: expected index " + expected + " but got " + entry);
            }
            entries.add(entry);
            bytes += entry.sizeBytes();
            expected++;
        }
        this.stableIndex = lastIndex();
        this.unpersistedFrom = lastIndex() + 1;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long firstIndex() {
        return snapshot.lastIndex() + 1;
    }

    long lastIndex() {
        return snapshot.lastIndex() + entries.size();
    }

    long lastTerm() {
        return entries.isEmpty() ? snapshot.lastTerm() : entries.get(entries.size() - 1).term();
    }

    long stableIndex() {
        return stableIndex;
    }

    /** Bytes of the entries held in memory (after the snapshot), by {@link Entry#sizeBytes()}. */
    long bytes() {
        return bytes;
    }

    /** Bytes of the held entries from {@code fromIndex} to {@code toIndex}, both included and clamped to the log. */
    long bytesBetween(long fromIndex, long toIndex) {
        long total = 0;
        for (long index = Math.max(fromIndex, firstIndex()); index <= Math.min(toIndex, lastIndex()); index++) {
            total += entry(index).sizeBytes();
        }
        return total;
    }

    /** Term of the entry at {@code index}; 0 for index 0 or beyond the end; -1 if compacted away. */
    long term(long index) {
        if (index == snapshot.lastIndex()) return snapshot.lastTerm();
        if (index < snapshot.lastIndex()) return index == 0 ? 0 : -1;
        if (index > lastIndex()) return 0;
        return entries.get((int) (index - firstIndex())).term();
    }

    Entry entry(long index) {
        if (index < firstIndex() || index > lastIndex()) {
            throw new IllegalArgumentException("no entry " + index + " in log [" + firstIndex() + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - firstIndex()));
    }

    /** §5.4.1: a log is more up-to-date if its last term is higher, or equal with a longer log. */
    boolean isUpToDate(long candidateLastIndex, long candidateLastTerm) {
        return candidateLastTerm > lastTerm() || (candidateLastTerm == lastTerm() && candidateLastIndex >= lastIndex());
    }

    /** Entries from {@code fromIndex} on, bounded in count and bytes; at least one if any exists. */
    List<Entry> slice(long fromIndex, int maxCount, long maxBytes) {
        if (fromIndex < firstIndex()) throw new IllegalArgumentException("index " + fromIndex + " is compacted");
        List<Entry> out = new ArrayList<>();
        long sliceBytes = 0;
        for (long index = fromIndex; index <= lastIndex() && out.size() < maxCount; index++) {
            Entry entry = entry(index);
            sliceBytes += entry.sizeBytes();
            if (!out.isEmpty() && sliceBytes > maxBytes) break;
            out.add(entry);
        }
        return out;
    }

    /** Leader path: append at the end. */
    void append(Entry entry) {
        if (entry.index() != lastIndex() + 1) {
            throw new IllegalStateException("append of " + entry + " after last index " + lastIndex());
        }
        entries.add(entry);
        bytes += entry.sizeBytes();
    }

    /**
     * Follower path (§5.3): skip entries it already has, truncate at the first conflicting one ("if an existing
     * entry conflicts with a new one, delete the existing entry and all that follow it"), append the rest.
     */
    void appendFromLeader(List<Entry> incoming) {
        for (Entry entry : incoming) {
            if (entry.index() < firstIndex()) continue;
            long existing = term(entry.index());
            if (entry.index() <= lastIndex() && existing == entry.term()) continue;
            if (entry.index() <= lastIndex()) truncateFrom(entry.index());
            append(entry);
        }
    }

    private void truncateFrom(long index) {
        while (lastIndex() >= index) bytes -= entries.remove(entries.size() - 1).sizeBytes();
        stableIndex = Math.min(stableIndex, index - 1);
        unpersistedFrom = Math.min(unpersistedFrom, index);
    }

    /** Entries appended since the last call, for the runtime to persist. */
    List<Entry> takeUnpersisted() {
        if (unpersistedFrom > lastIndex()) return List.of();
        List<Entry> out = new ArrayList<>(entries.subList((int) (unpersistedFrom - firstIndex()), entries.size()));
        unpersistedFrom = lastIndex() + 1;
        return out;
    }

    boolean hasUnpersisted() {
        return unpersistedFrom <= lastIndex();
    }

    /** The runtime made entries up to {@code index}@{@code term} durable; ignore it if they were since replaced. */
    boolean markStable(long index, long term) {
        if (index <= stableIndex || term(index) != term) return false;
        stableIndex = index;
        return true;
    }

    /** Replace the whole log with a snapshot received from the leader (§7). */
    void restore(Snapshot newSnapshot) {
        entries.clear();
        bytes = 0;
        snapshot = newSnapshot;
        stableIndex = Math.min(stableIndex, newSnapshot.lastIndex() - 1);
        unpersistedFrom = newSnapshot.lastIndex() + 1;
    }

    void markSnapshotStable(Snapshot persisted) {
        if (snapshot.lastIndex() == persisted.lastIndex() && stableIndex < persisted.lastIndex()) {
            stableIndex = persisted.lastIndex();
        }
    }

    /** Drop entries up to {@code newSnapshot.lastIndex()}, which the state machine has captured (§7). */
    void compact(Snapshot newSnapshot) {
        long index = newSnapshot.lastIndex();
        if (index <= snapshot.lastIndex()) return;
        if (index > lastIndex()) throw new IllegalArgumentException("cannot compact past the last index " + lastIndex());
        if (term(index) != newSnapshot.lastTerm()) {
            throw new IllegalArgumentException("snapshot " + newSnapshot + " does not match the log's term " + term(index));
        }
        List<Entry> covered = entries.subList(0, (int) (index - firstIndex() + 1));
        for (Entry entry : covered) bytes -= entry.sizeBytes();
        covered.clear();
        snapshot = newSnapshot;
    }

    /** The first index of the term of the entry at {@code index}, for the fast back-off hint (§5.3). */
    long firstIndexOfTerm(long index) {
        long term = term(index);
        long first = index;
        while (first - 1 >= firstIndex() && term(first - 1) == term) first--;
        return first;
    }

    /** Highest index whose term is {@code term}, or -1; used by the leader to skip a conflicting term. */
    long lastIndexOfTerm(long term) {
        for (long index = lastIndex(); index >= firstIndex(); index--) {
            long t = term(index);
            if (t == term) return index;
            if (t < term) return -1;
        }
        return -1;
    }
}
