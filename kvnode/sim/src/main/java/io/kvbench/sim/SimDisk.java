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
import io.kvbench.wal.HardStateCopies;
import io.kvbench.wal.HardStateDamagedException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * {@code WalRecoveryTest}), so the torn record is lost with the rest of the unsynced suffix. Everything still queued
 * is lost. A snapshot being written (off the driver's thread) is lost too; one written but not installed is a staged
 * file recovery deletes.
 * <p>
 * The hard state is the {@code hardstate} file's bytes, written and read back with the WAL's own rule
 * ({@link HardStateCopies}: two copies, each write puts the next sequence into both, then fsyncs). As the WAL's
 * {@code SegmentedLog} does, a group writes its hard state at its commit, after its records and before their fsync,
 * except that a higher term is written (and fsynced) before any record of the group that follows it: no crash can
 * leave the log holding a term the hard state lacks, which recovery would refuse as a rolled-back hard state. A
 * crash during a hard state write may leave it in neither copy, or in one copy, whole or torn (the page cache writes
 * the two blocks back in either order). With storage faults a bit may also flip in a copy at rest
 * ({@link #damageOneHardStateCopy}), or the whole storage may be lost and rebuilt ({@link #rebuild}).
 * <p>
 * A disk can fail ({@link #startFailing}): the group's fsync fails (or the snapshot's write), the driver is told, and
 * the node fail-stops as the node does (it exits): a crash, after which the disk keeps what a crash keeps (of the
 * group, the hard state writes and records before the one whose fsync failed, which {@link #crash} draws). This is
 * not a lost disk: the node restarts on it, as it is, once space is freed.
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
    record Recovered(HardState hardState, Snapshot snapshot, byte[] snapshotFile, List<Entry> entries, long voteFenceIndex) {
    }

    /** Names the file in HardStateCopies' errors. */
    private final Path hardStatePath;
    private final SnapshotListener listener;
    private Scheduler scheduler;
    // Durable.
    /** The {@code hardstate} file's bytes. */
    private byte[] hardStateFile = HardStateCopies.encodeFile(HardState.INITIAL, 0, 0);
    /** The sequence of the copies the last completed write put in the file (as the WAL's HardStateFile keeps it). */
    private long hardStateSequence;
    /** Set when the storage was rebuilt (docs/storage-recovery.md); carried into every write, as by HardStateFile. */
    private long voteFenceIndex;
    /** The term and vote the last completed hard state write made durable (what the checker holds the node to). */
    private HardState durableHardState = HardState.INITIAL;
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
    private long damagedHardStateRestarts;
    /** The disk is full or failing: its next fsync (or the snapshot being written) fails. */
    private boolean failing;
    private long failures;
    private long damagedTransfers;

    SimDisk(Path hardStatePath, SnapshotListener listener) {
        this.hardStatePath = hardStatePath;
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
        for (Operation operation : group) if (operation instanceof Append) appends++;
        for (Step step : steps(group)) {
            if (step instanceof RecordWrite record) record.write().run();
            else if (step instanceof HardStateWrite write) writeHardStateDurably(write.hardState());
        }
        group = null;
        startGroupIfIdle();
        return appends;
    }

    /** One thing the WAL thread does for a group: write a record (not yet fsynced), or write and fsync the hard state. */
    private sealed interface Step permits RecordWrite, HardStateWrite {
    }

    private record RecordWrite(Runnable write) implements Step {
    }

    private record HardStateWrite(HardState hardState) implements Step {
    }

    /**
     * A group's work in the WAL's order (SegmentedLog.apply and commit): per batch, a higher term's hard state first
     * if the batch has records, then its snapshot, then its entries; the group's last hard state at the commit. A
     * hard state equal to the one written is not written again.
     */
    private List<Step> steps(List<Operation> operations) {
        List<Step> steps = new ArrayList<>();
        HardState pending = null;
        HardState written = durableHardState;
        for (Operation operation : operations) {
            if (operation instanceof Append append) {
                if (append.hardState() != null) pending = append.hardState();
                boolean hasRecords = append.snapshot() != null || !append.entries().isEmpty();
                if (hasRecords && pending != null && pending.term() > written.term()) {
                    steps.add(new HardStateWrite(pending));
                    written = pending;
                    pending = null;
                }
                if (append.snapshot() != null) steps.add(new RecordWrite(() -> adopt(append.snapshot(), append.file())));
                for (Entry entry : append.entries()) steps.add(new RecordWrite(() -> write(entry)));
            } else if (operation instanceof Install install) {
                steps.add(new RecordWrite(() -> adopt(install.snapshot(), install.file())));
            }
        }
        if (pending != null && !pending.equals(written)) steps.add(new HardStateWrite(pending));
        return steps;
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
            // The WAL thread got as far as step `reached`: the hard state writes before it were fsynced; the records
            // before it were written, and the OS wrote back a prefix of them.
            List<Step> steps = steps(group);
            int reached = random.nextInt(steps.size() + 1);
            List<Runnable> written = new ArrayList<>();
            int records = 0;
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                if (step instanceof RecordWrite record) {
                    records++;
                    if (i < reached) written.add(record.write());
                } else if (step instanceof HardStateWrite write && i < reached) {
                    writeHardStateDurably(write.hardState());
                }
            }
            int reachedDisk = random.nextInt(written.size() + 1);
            for (int i = 0; i < reachedDisk; i++) written.get(i).run();
            unsyncedRecordsLost += records - reachedDisk;
            if (reachedDisk < records && random.nextBoolean()) tornRecords++; // truncated by recovery
            if (reached < steps.size() && steps.get(reached) instanceof HardStateWrite cut) {
                interruptHardStateWrite(cut.hardState(), random);
            }
        }
        group = null;
        queued.clear();
        snapshotIo.clear();
        snapshotIoBusy = false;
        currentSnapshot = snapshot;
        currentFile = snapshotFile;
    }

    /**
     * A hard state write cut short by the crash: not written, or one copy written whole or torn, or one whole and the
     * other torn (the two blocks reach the disk in either order). Never durable: its fsync did not return.
     */
    private void interruptHardStateWrite(HardState hardState, Random random) {
        int first = random.nextInt(HardStateCopies.COPY_COUNT);
        switch (random.nextInt(4)) {
            case 0 -> { } // not written back
            case 1 -> writeHardStateCopy(hardState, first, random, true);
            case 2 -> writeHardStateCopy(hardState, first, random, false);
            default -> {
                writeHardStateCopy(hardState, first, random, false);
                writeHardStateCopy(hardState, 1 - first, random, true);
            }
        }
    }

    private void writeHardStateCopy(HardState hardState, int copy, Random random, boolean torn) {
        byte[] written = HardStateCopies.encodeCopy(hardState, voteFenceIndex, hardStateSequence + 1);
        System.arraycopy(written, 0, hardStateFile, copy * HardStateCopies.COPY_SPACING_BYTES, written.length);
        if (torn) flipBit(copy, random);
    }

    /** As HardStateFile.write: both copies with the next sequence, fsynced. */
    private void writeHardStateDurably(HardState hardState) {
        hardStateSequence++;
        hardStateFile = HardStateCopies.encodeFile(hardState, voteFenceIndex, hardStateSequence);
        durableHardState = hardState;
    }

    /** A bit flips in one copy of the hard state file at rest (the node is stopped). */
    void damageOneHardStateCopy(Random random) {
        flipBit(random.nextInt(HardStateCopies.COPY_COUNT), random);
    }

    private void flipBit(int copy, Random random) {
        int offset = copy * HardStateCopies.COPY_SPACING_BYTES + random.nextInt(HardStateCopies.COPY_BYTES);
        hardStateFile[offset] ^= (byte) (1 << random.nextInt(8));
    }

    /** Both copies read back valid (one torn by a crash, a second damage would lose the state). */
    boolean hardStateCopiesIntact() {
        try {
            return HardStateCopies.decode(hardStatePath, hardStateFile, 0).damagedCopies().isEmpty();
        } catch (HardStateDamagedException e) {
            return false;
        }
    }

    /**
     * The storage was lost and is rebuilt as {@code kvbench node-rebuild} does ({@code Wal.createRebuilt}): an empty
     * log and a new hard state file holding {@code hardState} and {@code fenceIndex}.
     */
    void rebuild(HardState hardState, long fenceIndex) {
        group = null;
        queued.clear();
        failing = false; // a new disk
        snapshotIo.clear();
        snapshotIoBusy = false;
        snapshot = Snapshot.EMPTY;
        snapshotFile = null;
        currentSnapshot = Snapshot.EMPTY;
        currentFile = null;
        entries.clear();
        voteFenceIndex = fenceIndex;
        hardStateSequence = 0;
        hardStateFile = HardStateCopies.encodeFile(hardState, voteFenceIndex, hardStateSequence);
        durableHardState = hardState;
    }

    /**
     * What a restarted node reads back; the hard state as the WAL's recovery reads it ({@link HardStateCopies#decode},
     * with the log's highest term as witness). A damaged copy is rewritten from the other, as the WAL does at open.
     *
     * @throws HardStateDamagedException when the WAL would refuse to open (the node must be rebuilt)
     * @throws IllegalStateException if the log does not follow its snapshot without a gap (the WAL would refuse it)
     */
    Recovered recover() throws HardStateDamagedException {
        long expected = snapshot.lastIndex() + 1;
        long highestLogTerm = snapshot.lastTerm();
        for (Entry entry : entries.values()) {
            if (entry.index() != expected) {
                throw new IllegalStateException("recovered log has a gap: expected entry " + expected + ", found " + entry.index());
            }
            expected++;
            highestLogTerm = Math.max(highestLogTerm, entry.term());
        }
        HardStateCopies.Recovered read = HardStateCopies.decode(hardStatePath, hardStateFile, highestLogTerm);
        hardStateSequence = read.sequence();
        voteFenceIndex = read.voteFenceIndex();
        durableHardState = read.hardState();
        if (!read.damagedCopies().isEmpty()) {
            damagedHardStateRestarts++;
            hardStateSequence++;
            hardStateFile = HardStateCopies.encodeFile(durableHardState, voteFenceIndex, hardStateSequence);
        }
        return new Recovered(durableHardState, snapshot, snapshotFile, new ArrayList<>(entries.values()), voteFenceIndex);
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
    IOException fail(String operation) {
        failing = false;
        failures++;
        return new IOException(operation + " failed: No space left on device (simulated)");
    }

    /** The failure never struck (healing repairs every disk). */
    void repair() {
        failing = false;
    }

    long failures() {
        return failures;
    }

    HardState durableHardState() {
        return durableHardState;
    }

    long voteFenceIndex() {
        return voteFenceIndex;
    }

    /** The last index of the log on the disk (its snapshot's when the log after it is empty). */
    long lastIndex() {
        return entries.isEmpty() ? snapshot.lastIndex() : entries.lastKey();
    }

    long damagedHardStateRestarts() {
        return damagedHardStateRestarts;
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
