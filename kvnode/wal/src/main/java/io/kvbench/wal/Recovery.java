package io.kvbench.wal;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a WAL directory back at open: hard state, newest snapshot, then every segment record with its CRC.
 * Also repairs what a crash may legitimately leave behind: temp files (a half-preallocated segment among them),
 * a torn tail, older snapshots and segments already covered by the snapshot whose deletion had not reached the
 * disk.
 */
final class Recovery {
    private static final System.Logger LOG = System.getLogger(Wal.class.getName());

    /**
     * The recovered state, plus the segments (with record offsets) the WAL thread goes on writing to and the hard
     * state file's copy that was used (its sequence continues; a damaged other copy is rewritten at open).
     */
    record Result(RecoveredState state, List<Segment> segments, HardStateCopies.Recovered hardStateFile) {
    }

    private final Path directory;
    private final FileChannelFactory channelFactory;
    private final Fsync fsync;

    Recovery(Path directory, FileChannelFactory channelFactory, Fsync fsync) {
        this.directory = directory;
        this.channelFactory = channelFactory;
        this.fsync = fsync;
    }

    Result recover() throws IOException {
        Files.createDirectories(directory);
        for (Path temp : WalFiles.tempFiles(directory)) AtomicFiles.delete(temp);
        createHardStateIfFresh();
        Snapshot snapshot = readNewestSnapshot();
        long snapshotIndex = snapshot.lastIndex();

        List<WalFiles.IndexedFile> files = new ArrayList<>(WalFiles.segments(directory));
        // A compaction deletes without a directory fsync; segments it deleted may reappear after a crash. They
        // lie wholly before the snapshot (their successor starts at or before it) and are dropped unread.
        while (files.size() > 1 && files.get(1).index() <= snapshotIndex) {
            AtomicFiles.delete(files.remove(0).path());
        }

        List<Segment> segments = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            WalFiles.IndexedFile file = files.get(i);
            boolean lastSegment = i == files.size() - 1;
            checkStartsWhereExpected(file, segments, snapshotIndex);
            byte[] content = AtomicFiles.readFully(channelFactory, file.path());
            SegmentScanner.Scan scan = SegmentScanner.scan(file.path(), file.index(), content, lastSegment);
            if (scan.discardReason() != null) discardTail(file.path(), content.length, scan);
            if (scan.entries().isEmpty()) {
                // Only the last segment can be empty (a crash right after rolling); it names an index that
                // nothing holds, so drop it and let the next append create a fresh one.
                AtomicFiles.delete(file.path());
                continue;
            }
            segments.add(new Segment(file.path(), file.index(), scan.offsets(), scan.validBytes()));
            entries.addAll(scan.entries());
        }

        if (snapshotIndex > 0 && !logContainsSnapshotEntry(entries, snapshot)) {
            // A snapshot that the log does not match replaces the whole log (§7). The crash came between the
            // snapshot becoming durable and the old log's deletion: finish that deletion now.
            for (Segment segment : segments) AtomicFiles.delete(segment.path);
            fsync.syncDirectory(directory);
            segments.clear();
            entries.clear();
        }
        List<Entry> afterSnapshot = entries.stream().filter(entry -> entry.index() > snapshotIndex).toList();
        long highestLogTerm = snapshot.lastTerm();
        for (Entry entry : afterSnapshot) highestLogTerm = Math.max(highestLogTerm, entry.term());
        HardStateCopies.Recovered hardState = readHardState(highestLogTerm);
        return new Result(new RecoveredState(hardState.hardState(), snapshot, afterSnapshot, hardState.voteFenceIndex()),
                segments, hardState);
    }

    /**
     * A fresh directory gets an initial hard state file before anything else, so that from then on a missing
     * file can only mean it was lost, never that a crash came first. Starting with a forgotten vote could
     * grant a second vote in the same term (§5.2), so that refuses to open.
     */
    private void createHardStateIfFresh() throws IOException {
        if (Files.exists(directory.resolve(WalFiles.HARD_STATE_FILE))) return;
        if (!WalFiles.segments(directory).isEmpty() || !WalFiles.snapshots(directory).isEmpty()) {
            throw new HardStateDamagedException(directory.resolve(WalFiles.HARD_STATE_FILE), 0,
                    "hard state file missing although the log or a snapshot exists; the term and vote are lost");
        }
        HardStateFile.create(channelFactory, fsync, directory, HardState.INITIAL, 0);
        fsync.syncDirectory(directory);
    }

    /**
     * The term and vote, read after the log so that the log can witness against a stale copy
     * ({@link HardStateCopies#decode}). One damaged copy of a file written with mirrored copies is survivable and
     * said at WARNING; the open rewrites it.
     */
    private HardStateCopies.Recovered readHardState(long highestLogTerm) throws IOException {
        Path file = directory.resolve(WalFiles.HARD_STATE_FILE);
        HardStateCopies.Recovered recovered = HardStateCopies.decode(file, AtomicFiles.readFully(channelFactory, file),
                highestLogTerm);
        if (!recovered.damagedCopies().isEmpty()) {
            LOG.log(Level.WARNING, "WAL: " + file + ": " + String.join("; ", recovered.damagedCopies())
                    + "; the other copy holds the newest durable term " + recovered.hardState().term() + " and vote "
                    + recovered.hardState().votedFor() + " (both copies are written each time); rewriting both");
        }
        return recovered;
    }

    private Snapshot readNewestSnapshot() throws IOException {
        List<WalFiles.IndexedFile> files = WalFiles.snapshots(directory);
        if (files.isEmpty()) return Snapshot.EMPTY;
        WalFiles.IndexedFile newest = files.get(files.size() - 1);
        // Checked whole (streamed through its checksum, memory bounded), but not kept: the node reads it again
        // when it restores its state machine (Wal#openSnapshot).
        Snapshot snapshot = SnapshotFile.verify(channelFactory, newest.path());
        if (snapshot.lastIndex() != newest.index()) {
            throw new WalCorruptionException(newest.path(), 1, "snapshot position " + snapshot
                    + " does not match its file name index " + newest.index());
        }
        // Older snapshots are deleted once a newer one is durable; a crash may have left them.
        for (WalFiles.IndexedFile older : files.subList(0, files.size() - 1)) AtomicFiles.delete(older.path());
        return snapshot;
    }

    private static void checkStartsWhereExpected(WalFiles.IndexedFile file, List<Segment> segments, long snapshotIndex)
            throws WalCorruptionException {
        if (segments.isEmpty()) {
            if (file.index() > snapshotIndex + 1) {
                throw new WalCorruptionException(file.path(), 0, "log starts at index " + file.index()
                        + " but the snapshot ends at " + snapshotIndex + ": entries missing in between");
            }
            return;
        }
        long expectedIndex = segments.get(segments.size() - 1).lastIndex() + 1;
        if (file.index() != expectedIndex) {
            throw new WalCorruptionException(file.path(), 0, "segment starts at index " + file.index()
                    + " but the previous segment ends at " + (expectedIndex - 1));
        }
    }

    private static boolean logContainsSnapshotEntry(List<Entry> entries, Snapshot snapshot) {
        if (entries.isEmpty()) return true;
        long firstIndex = entries.get(0).index();
        long lastIndex = entries.get(entries.size() - 1).index();
        if (lastIndex < snapshot.lastIndex()) return false;
        if (firstIndex > snapshot.lastIndex()) return true; // checked above: starts right after the snapshot
        return entries.get((int) (snapshot.lastIndex() - firstIndex)).term() == snapshot.lastTerm();
    }

    /**
     * Erases what follows the last whole record of the last segment, so that nothing after the end of the log can
     * later pass for records (say behind a shorter rewrite). Zeros keep a preallocated segment preallocated; bytes
     * that run to the end of the file (a segment that was never preallocated) are cut off instead.
     */
    private void discardTail(Path file, long fileBytes, SegmentScanner.Scan scan) throws IOException {
        try (FileChannel channel = channelFactory.open(file, Set.of(StandardOpenOption.WRITE))) {
            if (scan.discardEndBytes() == fileBytes) {
                channel.truncate(scan.validBytes());
            } else {
                ZeroFill.write(channel, scan.validBytes(), scan.discardEndBytes());
            }
            fsync.force(channel);
        }
        LOG.log(Level.WARNING, String.format("WAL: discarded the tail of %s from byte %d (%d bytes %s, last whole "
                + "record kept): %s", file, scan.validBytes(), scan.discardEndBytes() - scan.validBytes(),
                scan.discardEndBytes() == fileBytes ? "truncated" : "zeroed", scan.discardReason()));
    }
}
