package io.kvbench.wal;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The WAL's files as seen by the committing thread: the WAL thread, or the writer's while the WAL thread is idle
 * ({@link Wal#commitHeld}), never both at once. Batches are applied with
 * {@link #apply}; nothing is durable until {@link #commit}, which issues the group's one segment fsync.
 *
 * <p>Invariants: segments are contiguous and each holds at least one record (the last one only after its
 * first append); only the last segment is open for writing; older segments were forced before the next one
 * was created, so after a crash only the last can have a torn tail. After a segment's records come only zeros
 * (preallocated space, or records a truncation erased) up to the end of the file.
 *
 * <p>With {@link WalOptions#preallocateSegments()} every new segment is a file of {@code segmentSizeBytes} zeros
 * prepared ahead of time by {@link SegmentPreallocator}; the next one is started once the active segment is
 * half full, so the WAL thread does not wait for it. A recovered last segment that is shorter (written before
 * segments were preallocated, or with preallocation off) is appended to no more: the next append rolls.
 */
final class SegmentedLog implements AutoCloseable {
    private static final int PENDING_BUFFER_BYTES = 1 << 20;

    private final Path directory;
    private final long segmentSizeBytes;
    private final FileChannelFactory channelFactory;
    private final Fsync fsync;
    /** Null when segments are not preallocated. */
    private final SegmentPreallocator preallocator;
    private final StatsRecorder stats;
    private final List<Segment> segments;
    /** Records encoded but not yet written to the active segment; written in one call per group. */
    private final ByteBuffer pending = ByteBuffer.allocate(PENDING_BUFFER_BYTES);

    private FileChannel activeChannel;
    /** Bytes of the last segment already handed to {@link #activeChannel}. */
    private long activeWrittenBytes;
    private boolean activeNeedsForce;
    /** The active segment's file was at least {@link #segmentSizeBytes} long when opened: appends overwrite zeros. */
    private boolean activePreallocated;
    private boolean directoryNeedsSync;
    private long lastIndex;
    private long snapshotIndex;
    private HardState durableHardState;
    private HardState pendingHardState;
    private final HardStateFile hardStateFile;

    SegmentedLog(Path directory, WalOptions options, Fsync fsync, StatsRecorder stats, RecoveredState recovered,
            List<Segment> segments, HardStateCopies.Recovered hardStateCopies) throws IOException {
        this.directory = directory;
        this.segmentSizeBytes = options.segmentSizeBytes();
        this.channelFactory = options.channelFactory();
        this.fsync = fsync;
        this.stats = stats;
        this.segments = new ArrayList<>(segments);
        this.lastIndex = recovered.lastIndex();
        this.snapshotIndex = recovered.snapshot().lastIndex();
        this.durableHardState = recovered.hardState();
        this.hardStateFile = HardStateFile.openForWrites(channelFactory, directory, hardStateCopies);
        this.preallocator = options.preallocateSegments()
                ? new SegmentPreallocator(directory, segmentSizeBytes, channelFactory, fsync, stats) : null;
        try {
            // One copy was damaged: both copies again, so that one more damage cannot lose the term and vote.
            if (!hardStateCopies.damagedCopies().isEmpty()) hardStateFile.write(durableHardState, fsync);
            if (!this.segments.isEmpty()) openActive(lastSegment());
            // The first append will roll: have its segment ready before the first write waits on it.
            if (preallocator != null && needsNewSegment()) preallocator.awaitPrepared();
            prepareNextSegmentIfDue();
        } catch (IOException | RuntimeException e) {
            try {
                close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    long lastIndex() {
        return lastIndex;
    }

    /**
     * Applies one batch: snapshot first, then entries; the hard state is written once per group at commit, except
     * that a higher term is made durable before any entry or snapshot is written: then no crash can leave the log
     * holding a term the hard state does not, and recovery can take a log that does as proof of a rolled-back hard
     * state ({@link HardStateCopies}). Commit then finds that hard state durable: no extra fsync, unless the group
     * changes it again.
     */
    void apply(WalBatch batch) throws IOException {
        if (batch.hardState() != null) pendingHardState = batch.hardState();
        if ((batch.snapshot() != null || !batch.entries().isEmpty()) && pendingHardState != null
                && pendingHardState.term() > durableHardState.term()) {
            writeHardState();
        }
        if (batch.snapshot() != null) installStagedSnapshot(batch.snapshot());
        for (Entry entry : batch.entries()) {
            if (entry.index() <= snapshotIndex) continue; // already covered by the snapshot
            if (entry.index() <= lastIndex) truncateFrom(entry.index());
            if (entry.index() != lastIndex + 1) {
                throw new IllegalStateException("entry " + entry.index() + " would leave a gap after " + lastIndex);
            }
            appendEntry(entry);
        }
        prepareNextSegmentIfDue();
    }

    /** Makes everything applied since the last commit durable (one segment force in the common case). */
    void commit() throws IOException {
        flushPending();
        if (pendingHardState != null) writeHardState();
        if (activeNeedsForce) fsync.force(activeChannel);
        if (directoryNeedsSync) fsync.syncDirectory(directory);
        activeNeedsForce = false;
        directoryNeedsSync = false;
    }

    private void writeHardState() throws IOException {
        if (!pendingHardState.equals(durableHardState)) hardStateFile.write(pendingHardState, fsync);
        durableHardState = pendingHardState;
        pendingHardState = null;
    }

    /**
     * Deletes segments whose entries are all at or below {@code upToIndex}. Without a directory fsync: if a
     * deletion is lost in a crash, recovery drops the segment again because the snapshot covers it.
     */
    void compact(long upToIndex) throws IOException {
        if (upToIndex > snapshotIndex) {
            throw new IllegalStateException("compact to " + upToIndex + " beyond the snapshot at " + snapshotIndex);
        }
        while (!segments.isEmpty() && segments.get(0).lastIndex() <= upToIndex) {
            Segment segment = segments.remove(0);
            if (segments.isEmpty()) closeActive();
            AtomicFiles.delete(segment.path);
        }
        prepareNextSegmentIfDue();
    }

    @Override
    public void close() throws IOException {
        if (preallocator != null) preallocator.close();
        closeActive();
        hardStateFile.close();
    }

    private void appendEntry(Entry entry) throws IOException {
        if (needsNewSegment()) roll(entry.index());
        int frameBytes = RecordFormat.frameBytes(entry);
        if (pending.remaining() < frameBytes) flushPending();
        Segment active = lastSegment();
        if (frameBytes > pending.capacity()) {
            ByteBuffer large = ByteBuffer.allocate(frameBytes);
            RecordFormat.encodeEntry(entry, large);
            large.flip();
            writeToActive(large);
        } else {
            RecordFormat.encodeEntry(entry, pending);
        }
        active.offsets.add(active.sizeBytes);
        active.sizeBytes += frameBytes;
        lastIndex = entry.index();
        stats.recordEntry(frameBytes);
    }

    private void roll(long firstIndex) throws IOException {
        if (!segments.isEmpty()) {
            flushPending();
            // Forced now so that only the newest segment can ever have a torn tail.
            if (activeNeedsForce) fsync.force(activeChannel);
            activeNeedsForce = false;
            closeActive();
        }
        Path path = directory.resolve(WalFiles.segmentName(firstIndex));
        if (preallocator != null) {
            preallocator.takeAs(path);
            activeChannel = channelFactory.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        } else {
            activeChannel = channelFactory.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW));
        }
        activePreallocated = preallocator != null;
        activeWrittenBytes = 0;
        segments.add(new Segment(path, firstIndex, new LongList(), 0));
        directoryNeedsSync = true;
    }

    /**
     * Removes entries {@code fromIndex..lastIndex} from disk: a follower's conflicting suffix (§5.3). Later
     * segments are deleted and the removed records erased durably before anything new is written, so a crash
     * can never leave stale records after new ones.
     */
    private void truncateFrom(long fromIndex) throws IOException {
        if (fromIndex <= snapshotIndex || fromIndex > lastIndex) {
            throw new IllegalStateException("truncate from " + fromIndex + " outside (" + snapshotIndex + ", "
                    + lastIndex + "]");
        }
        flushPending();
        boolean deleted = false;
        while (!segments.isEmpty() && lastSegment().firstIndex >= fromIndex) {
            closeActive();
            AtomicFiles.delete(segments.remove(segments.size() - 1).path);
            deleted = true;
        }
        if (deleted) fsync.syncDirectory(directory);
        lastIndex = fromIndex - 1;
        if (segments.isEmpty()) return;
        Segment last = lastSegment();
        if (activeChannel == null) openActive(last);
        if (last.contains(fromIndex)) {
            long newSizeBytes = last.offsetOf(fromIndex);
            eraseActive(newSizeBytes, last.sizeBytes);
            last.offsets.truncate((int) (fromIndex - last.firstIndex));
            last.sizeBytes = newSizeBytes;
            activeWrittenBytes = newSizeBytes;
            activeNeedsForce = false;
        }
    }

    /**
     * Makes a snapshot that was already written and forced (by a background thread, or received from the leader and
     * checked) the current one: only a rename and a directory fsync here, so entries queued behind it wait for no
     * megabyte-sized write. Until the rename is
     * durable, recovery deletes the staged file and keeps the previous snapshot, whose log is still whole
     * (compaction comes after this).
     */
    void installStagedSnapshot(StagedSnapshot staged) throws IOException {
        requireNewer(staged.lastIndex());
        flushPending();
        AtomicFiles.move(staged.file, directory.resolve(WalFiles.snapshotName(staged.lastIndex())),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync.syncDirectory(directory);
        adoptSnapshot(staged.lastIndex(), staged.lastTerm());
    }

    private void requireNewer(long newSnapshotIndex) {
        if (newSnapshotIndex <= snapshotIndex) {
            throw new IllegalStateException("snapshot at " + newSnapshotIndex + " is not newer than " + snapshotIndex);
        }
    }

    /**
     * With the snapshot file durable: deletes older snapshot files, then keeps the log only if it holds the
     * snapshot's last entry with the same term (§7); otherwise the whole log goes.
     */
    private void adoptSnapshot(long newSnapshotIndex, long newSnapshotTerm) throws IOException {
        for (WalFiles.IndexedFile older : WalFiles.snapshots(directory)) {
            if (older.index() < newSnapshotIndex) AtomicFiles.delete(older.path());
        }
        boolean logMatches = newSnapshotIndex <= lastIndex && termAt(newSnapshotIndex) == newSnapshotTerm;
        snapshotIndex = newSnapshotIndex;
        if (logMatches) return;
        closeActive();
        for (Segment segment : segments) AtomicFiles.delete(segment.path);
        segments.clear();
        // Durable now, or after a crash the old log could sit beside new segments starting after the snapshot.
        fsync.syncDirectory(directory);
        lastIndex = newSnapshotIndex;
    }

    /** Term of the entry at {@code index}, or -1 if the log does not hold it. Reads the record header back. */
    private long termAt(long index) throws IOException {
        for (Segment segment : segments) {
            if (!segment.contains(index)) continue;
            ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.HEADER_BYTES + RecordFormat.ENTRY_FIXED_BYTES);
            long position = segment.offsetOf(index);
            if (segment == lastSegment() && activeChannel != null) {
                readFully(activeChannel, buffer, position, segment);
            } else {
                try (FileChannel channel = channelFactory.open(segment.path, Set.of(StandardOpenOption.READ))) {
                    readFully(channel, buffer, position, segment);
                }
            }
            return buffer.getLong(RecordFormat.HEADER_BYTES + RecordFormat.TERM_OFFSET_IN_PAYLOAD);
        }
        return -1;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Segment segment)
            throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException(segment.path + " ended before byte " + (position + buffer.capacity()));
            }
        }
    }

    /**
     * Overwrites {@code [fromBytes, toBytes)} of the active segment with zeros (which keeps it preallocated). The
     * first record header goes first, forced on its own: from then on the log durably ends at {@code fromBytes}
     * (recovery discards whatever follows an all-zero header in the last segment), whatever a crash leaves of
     * the rest. The rest is forced before anything new is written over it: otherwise a crash could leave a torn
     * new record in front of stale valid ones, which recovery would have to call corruption. Records can be
     * equal in size, so the stale ones must go: a CRC and the index sequence alone would take them back.
     */
    private void eraseActive(long fromBytes, long toBytes) throws IOException {
        long headerEnd = Math.min(toBytes, fromBytes + RecordFormat.HEADER_BYTES);
        ZeroFill.write(activeChannel, fromBytes, headerEnd);
        fsync.force(activeChannel);
        if (headerEnd < toBytes) {
            ZeroFill.write(activeChannel, headerEnd, toBytes);
            fsync.force(activeChannel);
        }
    }

    /** True when the next append must start a segment: none is open, it is full, or it is not preallocated. */
    private boolean needsNewSegment() {
        return segments.isEmpty() || lastSegment().sizeBytes >= segmentSizeBytes
                || (preallocator != null && !activePreallocated);
    }

    /** Starts preparing the next segment once the active one is half full, or now if the next append rolls. */
    private void prepareNextSegmentIfDue() {
        if (preallocator == null) return;
        if (needsNewSegment() || lastSegment().sizeBytes >= segmentSizeBytes / 2) preallocator.prepareAsync();
    }

    private void flushPending() throws IOException {
        if (pending.position() == 0) return;
        pending.flip();
        writeToActive(pending);
        pending.clear();
    }

    private void writeToActive(ByteBuffer buffer) throws IOException {
        int bytes = buffer.remaining();
        AtomicFiles.writeFully(activeChannel, buffer, activeWrittenBytes);
        activeWrittenBytes += bytes;
        activeNeedsForce = true;
    }

    private void openActive(Segment segment) throws IOException {
        activeChannel = channelFactory.open(segment.path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        activeWrittenBytes = segment.sizeBytes;
        activePreallocated = activeChannel.size() >= segmentSizeBytes;
    }

    /** Pending bytes must have been flushed or be meant for a segment that is being deleted. */
    private void closeActive() throws IOException {
        pending.clear();
        activeNeedsForce = false;
        if (activeChannel == null) return;
        FileChannel channel = activeChannel;
        activeChannel = null;
        channel.close();
    }

    private Segment lastSegment() {
        return segments.get(segments.size() - 1);
    }
}
