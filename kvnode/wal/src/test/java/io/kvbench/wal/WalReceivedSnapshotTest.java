package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.fileNames;
import static io.kvbench.wal.WalTesting.fixedEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, finding 2, at the WAL: a snapshot travels between nodes as a snapshot file's bytes, chunk by chunk. A
 * follower writes them to a temp file and installs it only once it is whole and checked; a crash in between leaves
 * the old snapshot; a leader reads its file by offset, and a transfer keeps reading it after a newer snapshot
 * replaced it. Content of any size is written and read with bounded memory.
 */
@Timeout(60)
class WalReceivedSnapshotTest {
    private static final WalOptions SMALL_SEGMENTS = WalOptions.defaults().withSegmentSizeBytes(1024);

    @TempDir
    Path directory;

    private static byte[] content(int bytes, long seed) {
        byte[] content = new byte[bytes];
        new Random(seed).nextBytes(content);
        return content;
    }

    private static List<Entry> fixedEntries(long fromIndex, long toIndex, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = fromIndex; index <= toIndex; index++) result.add(fixedEntry(index, term, 100));
        return result;
    }

    @Test
    void aSnapshotReceivedInChunksIsInstalledByItsBatchAndSurvivesReopen() throws Exception {
        byte[] state = content(3 << 20, 1); // larger than every buffer on the way
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 10, 1)));
            StagedSnapshot received = WalTesting.received(wal, 40, 2, state);
            assertThat(fileNames(directory)).contains(WalFiles.receivedSnapshotName(40));
            wal.submitAndWait(new WalBatch(new HardState(2, 0), fixedEntries(41, 45, 2), received));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot()).isEqualTo(new Snapshot(40, 2));
            assertThat(WalTesting.content(wal, wal.recoveredState().snapshot())).isEqualTo(state);
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(41, 45, 2));
        }
        assertThat(fileNames(directory)).noneMatch(name -> name.endsWith(WalFiles.TEMP_SUFFIX));
    }

    @Test
    void aDamagedTransferIsRefusedWholeAndItsFileDeleted() throws Exception {
        byte[] file = WalTesting.snapshotFileBytes(40, 2, content(10_000, 2));
        file[5000] ^= 1;
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            IncomingSnapshot incoming = wal.receiveSnapshot(new Snapshot(40, 2), file.length);
            incoming.write(0, Arrays.copyOfRange(file, 0, 4000));
            incoming.write(4000, Arrays.copyOfRange(file, 4000, file.length));
            assertThatThrownBy(incoming::finish).isInstanceOf(WalCorruptionException.class).hasMessageContaining("CRC mismatch");
        }
        assertThat(fileNames(directory)).doesNotContain(WalFiles.receivedSnapshotName(40));
    }

    @Test
    void bytesOfAnotherSnapshotThanAnnouncedAreRefused() throws Exception {
        byte[] file = WalTesting.snapshotFileBytes(41, 2, content(100, 3));
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            IncomingSnapshot incoming = wal.receiveSnapshot(new Snapshot(40, 2), file.length);
            incoming.write(0, file);
            assertThatThrownBy(incoming::finish).isInstanceOf(WalCorruptionException.class)
                    .hasMessageContaining("where Snapshot{40@2} was announced");
        }
    }

    @Test
    void chunksMustArriveInOrderAndWithinTheAnnouncedSize() throws Exception {
        byte[] file = WalTesting.snapshotFileBytes(40, 2, content(100, 4));
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            IncomingSnapshot incoming = wal.receiveSnapshot(new Snapshot(40, 2), file.length);
            assertThatThrownBy(() -> incoming.write(10, new byte[10])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> incoming.write(0, new byte[file.length + 1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(incoming::finish).isInstanceOf(IllegalStateException.class);
            incoming.discard();
        }
    }

    @Test
    void aCrashMidTransferLeavesTheOldSnapshotAndNoTrace() throws Exception {
        byte[] file = WalTesting.snapshotFileBytes(60, 1, content(5000, 5));
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 30, 1)));
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 20, 1, new byte[] {1})));
            IncomingSnapshot incoming = wal.receiveSnapshot(new Snapshot(60, 1), file.length);
            incoming.write(0, Arrays.copyOf(file, 3000)); // and the node dies here
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot()).isEqualTo(new Snapshot(20, 1));
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(21, 30, 1));
        }
        assertThat(fileNames(directory)).noneMatch(name -> name.endsWith(WalFiles.TEMP_SUFFIX));
    }

    @Test
    void aLeaderReadsItsSnapshotByOffsetAndKeepsReadingItOnceReplaced() throws Exception {
        byte[] old = content(100_000, 6);
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            StagedSnapshot first = wal.stageSnapshot(20, 1, out -> out.write(old));
            SnapshotFileReader sending = wal.openStaged(first);
            WalTesting.FutureCallback installed = new WalTesting.FutureCallback();
            wal.installStagedSnapshot(first, installed);
            installed.result.get();
            // A newer snapshot replaces it (and deletes its file) while the transfer goes on.
            WalTesting.FutureCallback replaced = new WalTesting.FutureCallback();
            wal.installStagedSnapshot(wal.stageSnapshot(50, 1, out -> out.write(new byte[] {9})), replaced);
            replaced.result.get();
            assertThat(fileNames(directory)).doesNotContain(WalFiles.snapshotName(20));

            byte[] sent = new byte[(int) sending.sizeBytes()];
            for (int offset = 0; offset < sent.length; offset += 4096) {
                byte[] chunk = sending.read(offset, 4096);
                System.arraycopy(chunk, 0, sent, offset, chunk.length);
            }
            sending.close();
            assertThat(sent).isEqualTo(WalTesting.snapshotFileBytes(20, 1, old));
        }
    }
}
