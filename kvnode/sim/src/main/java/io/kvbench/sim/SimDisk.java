package io.kvbench.sim;

import io.kvbench.driver.Storage;
import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.kv.KvStateCapture;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * One node's disk, used the way the WAL (kvnode/wal) uses it, so that a crash loses what a crash of the node loses.
 * Submitted batches wait in a queue; the WAL thread takes everything queued as one group, writes it and fsyncs it
 * (group commit), then completes the group's batches in order. From taking a group to its completion is the fsync
 * delay, which the simulation draws (long while the disk stalls: a slow fsync).
 * <p>
 * A crash keeps what completed groups made durable. Of the group being written, the OS may already have written
 * back a prefix of its records, and the record after that prefix may be torn (half on the disk): recovery truncates a
 * torn tail to the last whole record (the WAL's {@code SegmentScanner}, tested on the bytes in
 * {@code WalRecoveryTest}), so the torn record is lost with the rest of the unsynced suffix. The group's hard state
 * goes to its own file in the commit, all or nothing: the new one or the old one, whatever became of the records.
 * Everything still queued is lost. A snapshot being written (off the driver's thread) is lost too; one written but
 * not installed is a staged file recovery deletes.
 * <p>
 * A disk can fail ({@link #startFailing}): the group's fsync fails (or the snapshot's write), the driver is told, and
 * the node fail-stops as the node does (it exits): a crash, after which the disk keeps what a crash keeps.
 */
final class SimDisk implements Storage {
    /** How the simulation times the disk's work; bound to the node's current incarnation. */
    interface Scheduler {
        /** A group was taken: call {@link #completeGroup} after an fsync delay. */
        void groupStarted();

        /** A snapshot is being written: hand {@code written} to the driver after a write delay. */
        void snapshotWriting(WrittenSnapshot written);
    }

    private sealed interface Operation permits Append, Install {
    }

    private record Append(HardState hardState, List<Entry> entries, Snapshot snapshot) implements Operation {
    }

    /** A staged snapshot made current (a rename), then the log it covers dropped. */
    private record Install(Snapshot snapshot) implements Operation {
    }

    /** A snapshot this node wrote; nothing of its time is simulated. */
    record Written(Snapshot snapshot) implements WrittenSnapshot {
        @Override
        public long captureNanos() {
            return 0;
        }

        @Override
        public long serializeNanos() {
            return 0;
        }

        @Override
        public long writeNanos() {
            return 0;
        }
    }

    /** What recovery reads back: as {@code io.kvbench.wal.RecoveredState}. */
    record Recovered(HardState hardState, Snapshot snapshot, List<Entry> entries) {
    }

    private Scheduler scheduler;
    // Durable.
    private HardState hardState = HardState.INITIAL;
    private Snapshot snapshot = Snapshot.EMPTY;
    /** The log after the snapshot. */
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    // Not yet durable.
    private final ArrayDeque<Operation> queued = new ArrayDeque<>();
    /** Taken by the WAL thread: being written and fsynced. Null when the disk is idle. */
    private List<Operation> group;
    private long unsyncedRecordsLost;
    private long tornRecords;
    /** The disk is full or failing: its next fsync (or the snapshot being written) fails. */
    private boolean failing;
    private long failures;

    /** The scheduler of the node's current incarnation; set again after every restart. */
    void bind(Scheduler current) {
        this.scheduler = current;
    }

    // ---------------------------------------------------------------- Storage

    @Override
    public void persist(HardState newHardState, List<Entry> newEntries, Snapshot leaderSnapshot) {
        queued.addLast(new Append(newHardState, newEntries, leaderSnapshot));
        startGroupIfIdle();
    }

    @Override
    public void writeSnapshot(KvStateCapture capture, long term, long captureNanos) {
        // The capture is a copy: serializing it now gives what the background thread would serialize later.
        scheduler.snapshotWriting(new Written(new Snapshot(capture.lastAppliedIndex(), term, capture.serialize())));
    }

    @Override
    public void installSnapshot(WrittenSnapshot written) {
        queued.addLast(new Install(written.snapshot()));
        startGroupIfIdle();
    }

    @Override
    public void discardSnapshot(WrittenSnapshot written) {
        // A staged file: nothing durable changes.
    }

    private void startGroupIfIdle() {
        if (group != null || queued.isEmpty()) return;
        group = new ArrayList<>(queued);
        queued.clear();
        scheduler.groupStarted();
    }

    // ---------------------------------------------------------------- the simulation's side

    /**
     * The group's fsync returned: all of it is durable. Takes the next group if batches queued meanwhile.
     *
     * @return how many {@link #persist} calls it completes, to be answered in order
     */
    int completeGroup() {
        int appends = 0;
        for (Operation operation : group) {
            if (operation instanceof Append append) {
                appends++;
                if (append.snapshot() != null) adopt(append.snapshot());
                for (Entry entry : append.entries()) write(entry);
                if (append.hardState() != null) hardState = append.hardState();
            } else if (operation instanceof Install install) {
                adopt(install.snapshot());
            }
        }
        group = null;
        startGroupIfIdle();
        return appends;
    }

    /** Power lost: see the class comment for what survives. */
    void crash(Random random) {
        if (group != null) {
            List<Runnable> records = new ArrayList<>();
            HardState groupHardState = null;
            for (Operation operation : group) {
                if (operation instanceof Append append) {
                    if (append.snapshot() != null) records.add(() -> adopt(append.snapshot()));
                    for (Entry entry : append.entries()) records.add(() -> write(entry));
                    if (append.hardState() != null) groupHardState = append.hardState();
                } else if (operation instanceof Install install) {
                    records.add(() -> adopt(install.snapshot()));
                }
            }
            int reachedDisk = random.nextInt(records.size() + 1);
            for (int i = 0; i < reachedDisk; i++) records.get(i).run();
            unsyncedRecordsLost += records.size() - reachedDisk;
            if (reachedDisk < records.size() && random.nextBoolean()) tornRecords++; // truncated by recovery
            if (groupHardState != null && random.nextBoolean()) hardState = groupHardState;
        }
        group = null;
        queued.clear();
    }

    /**
     * What a restarted node reads back.
     *
     * @throws IllegalStateException if the log does not follow its snapshot without a gap (the WAL would refuse it)
     */
    Recovered recover() {
        long expected = snapshot.lastIndex() + 1;
        for (long index : entries.keySet()) {
            if (index != expected) {
                throw new IllegalStateException("recovered log has a gap: expected entry " + expected + ", found " + index);
            }
            expected++;
        }
        return new Recovered(hardState, snapshot, new ArrayList<>(entries.values()));
    }

    /** From now on the disk fails: the group being written (or the next) fails its fsync, as does a snapshot's write. */
    void startFailing() {
        failing = true;
    }

    boolean failing() {
        return failing;
    }

    /**
     * The failure the node sees: after it the node fail-stops ({@link Simulation}), and of the failed group what a
     * crash leaves survives ({@link #crash}: a failed fsync says nothing of which writes reached the disk). The disk is
     * repaired (space freed) but keeps everything: the node restarts on it, never on an empty one.
     */
    java.io.IOException fail(String operation) {
        failing = false;
        failures++;
        return new java.io.IOException(operation + " failed: No space left on device (simulated)");
    }

    /** The failure never struck (healing repairs every disk). */
    void repair() {
        failing = false;
    }

    long failures() {
        return failures;
    }

    HardState durableHardState() {
        return hardState;
    }

    long unsyncedRecordsLost() {
        return unsyncedRecordsLost;
    }

    long tornRecords() {
        return tornRecords;
    }

    /** As the WAL's adoptSnapshot: keep the log only if it holds the snapshot's last entry with its term (§7). */
    private void adopt(Snapshot newSnapshot) {
        if (newSnapshot.lastIndex() <= snapshot.lastIndex()) {
            throw new IllegalStateException("snapshot at " + newSnapshot.lastIndex() + " is not newer than " + snapshot.lastIndex());
        }
        Entry last = entries.get(newSnapshot.lastIndex());
        boolean logMatches = last != null && last.term() == newSnapshot.lastTerm();
        snapshot = newSnapshot;
        if (logMatches) {
            entries.headMap(newSnapshot.lastIndex(), true).clear();
        } else {
            entries.clear();
        }
    }

    /** An entry at or below the last one replaces it and everything after it (§5.3); a gap is a bug. */
    private void write(Entry entry) {
        if (entry.index() <= snapshot.lastIndex()) return; // covered by the snapshot
        entries.tailMap(entry.index(), true).clear();
        long last = entries.isEmpty() ? snapshot.lastIndex() : entries.lastKey();
        if (entry.index() != last + 1) {
            throw new IllegalStateException("entry " + entry.index() + " would leave a gap after " + last);
        }
        entries.put(entry.index(), entry);
    }
}
