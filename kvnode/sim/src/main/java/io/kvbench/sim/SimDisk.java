package io.kvbench.sim;

import io.kvbench.driver.ReceivedSnapshot;
import io.kvbench.driver.ReplicaDriver;
import io.kvbench.driver.SnapshotSource;
import io.kvbench.driver.Storage;
import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.kv.KvStateCapture;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

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
 * Snapshots are files of bytes here too: the serialized state and a CRC32C of it, which is what a leader sends a
 * follower chunk by chunk. Chunk reads, chunk writes and a received snapshot's final check run one at a time, in
 * order, on the node's snapshot I/O thread, each after a drawn delay; a crash loses what is queued there and the
 * received snapshot being staged (a temp file recovery deletes).
 */
final class SimDisk implements Storage {
    /** How the simulation times the disk's work; bound to the node's current incarnation. */
    interface Scheduler {
        /** A group was taken: call {@link #completeGroup} after an fsync delay. */
        void groupStarted();

        /** A snapshot is being written: hand {@code written} to the driver after a write delay. */
        void snapshotWriting(WrittenSnapshot written);

        /** A snapshot I/O task started: call {@link #completeSnapshotIo} after a delay. */
        void snapshotIoStarted();
    }

    /** What the checker hears: a snapshot became durable here, with its file's bytes. */
    interface SnapshotListener {
        void snapshotStored(Snapshot snapshot, byte[] file);
    }

    private sealed interface Operation permits Append, Install {
    }

    private record Append(HardState hardState, List<Entry> entries, Snapshot snapshot, byte[] file) implements Operation {
    }

    /** A staged snapshot made current (a rename), then the log it covers dropped. */
    private record Install(Snapshot snapshot, byte[] file) implements Operation {
    }

    /** A snapshot this node wrote; nothing of its time is simulated. */
    record Written(Snapshot snapshot, byte[] file) implements WrittenSnapshot {
        @Override
        public long sizeBytes() {
            return file.length;
        }

        @Override
        public long captureNanos() {
            return 0;
        }

        @Override
        public long writeNanos() {
            return 0;
        }
    }

    /** A snapshot file open for sending: its bytes stay readable after a newer snapshot replaces it. */
    private record Source(Snapshot snapshot, byte[] file) implements SnapshotSource {
        @Override
        public long sizeBytes() {
            return file.length;
        }
    }

    /** A snapshot being received: a temp file, never durable. */
    private static final class Incoming implements ReceivedSnapshot {
        final Snapshot snapshot;
        final long sizeBytes;
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        byte[] finished;

        Incoming(Snapshot snapshot, long sizeBytes) {
            this.snapshot = snapshot;
            this.sizeBytes = sizeBytes;
        }

        @Override
        public Snapshot snapshot() {
            return snapshot;
        }

        @Override
        public long sizeBytes() {
            return sizeBytes;
        }
    }

    /** What recovery reads back: as {@code io.kvbench.wal.RecoveredState}, with the snapshot's file. */
    record Recovered(HardState hardState, Snapshot snapshot, byte[] snapshotFile, List<Entry> entries) {
    }

    private final SnapshotListener listener;
    private Scheduler scheduler;
    // Durable.
    private HardState hardState = HardState.INITIAL;
    private Snapshot snapshot = Snapshot.EMPTY;
    private byte[] snapshotFile;
    /** The snapshot the driver made current (installed or persisted, perhaps not yet durable), and its file. */
    private Snapshot currentSnapshot = Snapshot.EMPTY;
    private byte[] currentFile;
    /** The log after the snapshot. */
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    // Not yet durable.
    private final ArrayDeque<Operation> queued = new ArrayDeque<>();
    /** Taken by the WAL thread: being written and fsynced. Null when the disk is idle. */
    private List<Operation> group;
    /** The snapshot I/O thread's tasks, in order; the first is running when {@link #snapshotIoBusy}. */
    private final ArrayDeque<Consumer<ReplicaDriver>> snapshotIo = new ArrayDeque<>();
    private boolean snapshotIoBusy;
    private long unsyncedRecordsLost;
    private long tornRecords;
    private long damagedTransfers;

    SimDisk(SnapshotListener listener) {
        this.listener = listener;
    }

    /** The scheduler of the node's current incarnation; set again after every restart. */
    void bind(Scheduler current) {
        this.scheduler = current;
    }

    /** A snapshot's file: the state's bytes and their CRC32C, which a follower checks once it has them all. */
    static byte[] snapshotFile(byte[] state) {
        CRC32C crc = new CRC32C();
        crc.update(state);
        return ByteBuffer.allocate(state.length + 4).put(state).putInt((int) crc.getValue()).array();
    }

    /** The state in a snapshot's file, or null when its CRC does not hold. */
    static byte[] stateOf(byte[] file) {
        if (file.length < 4) return null;
        CRC32C crc = new CRC32C();
        crc.update(file, 0, file.length - 4);
        if (ByteBuffer.wrap(file).getInt(file.length - 4) != (int) crc.getValue()) return null;
        return Arrays.copyOf(file, file.length - 4);
    }

    // ---------------------------------------------------------------- Storage

    @Override
    public void persist(HardState newHardState, List<Entry> newEntries, ReceivedSnapshot received) {
        Snapshot leaderSnapshot = received == null ? null : received.snapshot();
        byte[] file = received == null ? null : ((Incoming) received).finished;
        if (received != null && file == null) throw new IllegalStateException("persisting " + received.snapshot() + " unfinished");
        queued.addLast(new Append(newHardState, newEntries, leaderSnapshot, file));
        if (received != null) {
            currentSnapshot = leaderSnapshot;
            currentFile = file;
        }
        startGroupIfIdle();
    }

    @Override
    public void writeSnapshot(KvStateCapture capture, long term, long captureNanos) {
        // The capture is a copy: serializing it now gives what the background thread would serialize later.
        scheduler.snapshotWriting(new Written(new Snapshot(capture.lastAppliedIndex(), term), snapshotFile(capture.serialize())));
    }

    @Override
    public void installSnapshot(WrittenSnapshot written) {
        queued.addLast(new Install(written.snapshot(), ((Written) written).file()));
        currentSnapshot = written.snapshot();
        currentFile = ((Written) written).file();
        startGroupIfIdle();
    }

    @Override
    public void discardSnapshot(WrittenSnapshot written) {
        // A staged file: nothing durable changes.
    }

    @Override
    public SnapshotSource openSnapshot(Snapshot wanted) throws IOException {
        if (!wanted.equals(currentSnapshot)) {
            throw new IOException("snapshot " + wanted + " is not the current one (" + currentSnapshot + ")");
        }
        return new Source(currentSnapshot, currentFile);
    }

    @Override
    public void readSnapshotChunk(SnapshotSource source, long offset, int maxBytes) {
        byte[] file = ((Source) source).file();
        byte[] chunk = Arrays.copyOfRange(file, (int) offset, (int) Math.min(file.length, offset + maxBytes));
        submitSnapshotIo(driver -> driver.snapshotChunkRead(source, offset, chunk));
    }

    @Override
    public void closeSnapshot(SnapshotSource source) {
        // Nothing held.
    }

    @Override
    public ReceivedSnapshot receiveSnapshot(Snapshot received, long sizeBytes) {
        return new Incoming(received, sizeBytes);
    }

    @Override
    public void writeSnapshotChunk(ReceivedSnapshot received, long offset, byte[] data) {
        Incoming incoming = (Incoming) received;
        submitSnapshotIo(driver -> {
            if (offset != incoming.written.size()) throw new IllegalStateException("chunk at " + offset + " after " + incoming.written.size());
            incoming.written.write(data, 0, data.length);
            driver.snapshotChunkWritten(received, offset + data.length);
        });
    }

    @Override
    public void finishReceivedSnapshot(ReceivedSnapshot received) {
        Incoming incoming = (Incoming) received;
        submitSnapshotIo(driver -> {
            byte[] file = incoming.written.toByteArray();
            boolean whole = file.length == incoming.sizeBytes && stateOf(file) != null;
            if (whole) incoming.finished = file;
            else damagedTransfers++;
            driver.receivedSnapshotFinished(received, whole);
        });
    }

    @Override
    public void discardReceivedSnapshot(ReceivedSnapshot received) {
        // A temp file deleted: nothing durable changes.
    }

    @Override
    public KvStateMachine loadReceivedSnapshot(ReceivedSnapshot received) throws IOException {
        byte[] state = stateOf(((Incoming) received).finished);
        if (state == null) throw new IllegalStateException("loading a received snapshot that failed its check");
        return KvStateMachine.restore(new ByteArrayInputStream(state));
    }

    private void startGroupIfIdle() {
        if (group != null || queued.isEmpty()) return;
        group = new ArrayList<>(queued);
        queued.clear();
        scheduler.groupStarted();
    }

    private void submitSnapshotIo(Consumer<ReplicaDriver> task) {
        snapshotIo.addLast(task);
        if (!snapshotIoBusy) {
            snapshotIoBusy = true;
            scheduler.snapshotIoStarted();
        }
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
                if (append.snapshot() != null) adopt(append.snapshot(), append.file());
                for (Entry entry : append.entries()) write(entry);
                if (append.hardState() != null) hardState = append.hardState();
            } else if (operation instanceof Install install) {
                adopt(install.snapshot(), install.file());
            }
        }
        group = null;
        startGroupIfIdle();
        return appends;
    }

    /** The running snapshot I/O task finished: returns it, to run against the driver; starts the next, if any. */
    Consumer<ReplicaDriver> completeSnapshotIo() {
        Consumer<ReplicaDriver> done = snapshotIo.pollFirst();
        snapshotIoBusy = !snapshotIo.isEmpty();
        if (snapshotIoBusy) scheduler.snapshotIoStarted();
        return done;
    }

    /** Power lost: see the class comment for what survives. */
    void crash(Random random) {
        if (group != null) {
            List<Runnable> records = new ArrayList<>();
            HardState groupHardState = null;
            for (Operation operation : group) {
                if (operation instanceof Append append) {
                    if (append.snapshot() != null) records.add(() -> adopt(append.snapshot(), append.file()));
                    for (Entry entry : append.entries()) records.add(() -> write(entry));
                    if (append.hardState() != null) groupHardState = append.hardState();
                } else if (operation instanceof Install install) {
                    records.add(() -> adopt(install.snapshot(), install.file()));
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
        snapshotIo.clear();
        snapshotIoBusy = false;
        currentSnapshot = snapshot;
        currentFile = snapshotFile;
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
        return new Recovered(hardState, snapshot, snapshotFile, new ArrayList<>(entries.values()));
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

    /** Received snapshots whose bytes failed their check (a chunk damaged on the way) and were received again. */
    long damagedTransfers() {
        return damagedTransfers;
    }

    /** As the WAL's adoptSnapshot: keep the log only if it holds the snapshot's last entry with its term (§7). */
    private void adopt(Snapshot newSnapshot, byte[] file) {
        if (newSnapshot.lastIndex() <= snapshot.lastIndex()) {
            throw new IllegalStateException("snapshot at " + newSnapshot.lastIndex() + " is not newer than " + snapshot.lastIndex());
        }
        Entry last = entries.get(newSnapshot.lastIndex());
        boolean logMatches = last != null && last.term() == newSnapshot.lastTerm();
        snapshot = newSnapshot;
        snapshotFile = file;
        listener.snapshotStored(newSnapshot, file);
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
