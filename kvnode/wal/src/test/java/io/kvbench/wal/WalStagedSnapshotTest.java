package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.entry;
import static io.kvbench.wal.WalTesting.fileNames;
import static io.kvbench.wal.WalTesting.fixedEntry;
import static io.kvbench.wal.WalTesting.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.Entry;
import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot the node takes itself is written and forced off the WAL thread ({@link Wal#stageSnapshot}) and made
 * current by a rename on it ({@link Wal#installStagedSnapshot}). A crash at any step must recover either the old
 * snapshot with the whole log after it, or the new one with the log after it.
 */
@Timeout(60)
class WalStagedSnapshotTest {
    /** 126-byte records, 9 per segment: segments start at 1, 10, 19, 28, 37, 46, ... */
    private static final WalOptions SMALL_SEGMENTS = WalOptions.defaults().withSegmentSizeBytes(1024);
    private static final byte[] OLD_STATE = {1, 1, 1};
    private static final byte[] NEW_STATE = {2, 2, 2, 2};

    @TempDir
    Path directory;

    private static List<Entry> fixedEntries(long fromIndex, long toIndex, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = fromIndex; index <= toIndex; index++) result.add(fixedEntry(index, term, 100));
        return result;
    }

    /** Entries 1..100, the old snapshot at 20 current and the log compacted to it. */
    private void writeLogWithOldSnapshot(Wal wal) throws IOException {
        wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
        wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 20, 1, OLD_STATE)));
        wal.compact(20);
        wal.submitAndWait(WalBatch.empty());
    }

    private static void installAndWait(Wal wal, StagedSnapshot staged) throws Exception {
        WalTesting.FutureCallback installed = new WalTesting.FutureCallback();
        wal.installStagedSnapshot(staged, installed);
        installed.result.get(10, TimeUnit.SECONDS);
    }

    private void assertRecoversOldSnapshotAndWholeLog() throws IOException {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            RecoveredState state = wal.recoveredState();
            assertThat(state.snapshot().lastIndex()).isEqualTo(20);
            assertThat(WalTesting.content(wal, state.snapshot())).isEqualTo(OLD_STATE);
            assertThat(state.entries()).isEqualTo(fixedEntries(21, 100, 1));
        }
        assertThat(fileNames(directory)).noneMatch(name -> name.endsWith(WalFiles.TEMP_SUFFIX));
    }

    private void assertRecoversNewSnapshotAndTheLogAfterIt() throws IOException {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            RecoveredState state = wal.recoveredState();
            assertThat(state.snapshot().lastIndex()).isEqualTo(60);
            assertThat(state.snapshot().lastTerm()).isEqualTo(1);
            assertThat(WalTesting.content(wal, state.snapshot())).isEqualTo(NEW_STATE);
            assertThat(state.entries()).isEqualTo(fixedEntries(61, 100, 1));
        }
        assertThat(fileNames(directory)).filteredOn(name -> name.endsWith(".snap"))
                .containsExactly(WalFiles.snapshotName(60));
    }

    @Test
    void stagedSnapshotInstalledThenCompactedSurvivesReopen() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            writeLogWithOldSnapshot(wal);
            StagedSnapshot staged = wal.stageSnapshot(60, 1, out -> out.write(NEW_STATE));
            assertThat(fileNames(directory)).contains(WalFiles.stagedSnapshotName(60))
                    .doesNotContain(WalFiles.snapshotName(60));
            assertThat(staged.sizeBytes()).isEqualTo(Files.size(directory.resolve(WalFiles.stagedSnapshotName(60))));

            installAndWait(wal, staged);
            assertThat(fileNames(directory)).contains(WalFiles.snapshotName(60))
                    .doesNotContain(WalFiles.stagedSnapshotName(60), WalFiles.snapshotName(20));
            wal.compact(60);
            wal.submitAndWait(WalBatch.empty());
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(101, 105, 1)));
        }
        assertThat(segmentFiles(directory).get(0).getFileName().toString()).isEqualTo(WalFiles.segmentName(55));
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(60);
            assertThat(WalTesting.content(wal, wal.recoveredState().snapshot())).isEqualTo(NEW_STATE);
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(61, 105, 1));
        }
    }

    @Test
    void crashAfterStagingBeforeInstallRecoversTheOldSnapshotAndTheWholeLog() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            writeLogWithOldSnapshot(wal);
            wal.stageSnapshot(60, 1, out -> out.write(NEW_STATE));
        }
        assertRecoversOldSnapshotAndWholeLog();
    }

    @Test
    void crashWhileStagingRecoversTheOldSnapshotAndTheWholeLog() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            writeLogWithOldSnapshot(wal);
        }
        // A torn staged file: the crash came in the middle of its write.
        byte[] whole = WalTesting.snapshotFileBytes(60, 1, NEW_STATE);
        Files.write(directory.resolve(WalFiles.stagedSnapshotName(60)), Arrays.copyOf(whole, whole.length / 2));
        assertRecoversOldSnapshotAndWholeLog();
    }

    @Test
    void crashAfterTheRenameBeforeCompactionRecoversTheNewSnapshotAndTheLogAfterIt() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            writeLogWithOldSnapshot(wal);
            installAndWait(wal, wal.stageSnapshot(60, 1, out -> out.write(NEW_STATE)));
        }
        assertThat(segmentFiles(directory).get(0).getFileName().toString()).isEqualTo(WalFiles.segmentName(19));
        assertRecoversNewSnapshotAndTheLogAfterIt();
    }

    @Test
    void crashThatLostTheOldSnapshotsDeletionRecoversTheNewSnapshot() throws Exception {
        Path saved = directory.resolve("saved");
        Files.createDirectories(saved);
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            writeLogWithOldSnapshot(wal);
            Files.copy(directory.resolve(WalFiles.snapshotName(20)), saved.resolve("old"));
            installAndWait(wal, wal.stageSnapshot(60, 1, out -> out.write(NEW_STATE)));
            wal.compact(60);
            wal.submitAndWait(WalBatch.empty());
        }
        // The old snapshot's deletion was not made durable: it is back beside the new one.
        Files.copy(saved.resolve("old"), directory.resolve(WalFiles.snapshotName(20)));
        Files.delete(saved.resolve("old"));
        Files.delete(saved);
        assertRecoversNewSnapshotAndTheLogAfterIt();
    }

    @Test
    void stagingDoesNotWaitForTheWalThread() throws Exception {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        CountDownLatch releaseForce = new CountDownLatch(1);
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            wal.submitAndWait(WalTesting.withTerm(List.of(entry(1, 1), entry(2, 1))));
            channels.blockNextForce = releaseForce;
            WalTesting.FutureCallback blocked = new WalTesting.FutureCallback();
            wal.submit(WalTesting.withTerm(List.of(entry(3, 1))), blocked);
            assertThat(channels.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();

            // The WAL thread is stuck in its fsync; staging (write and force) completes anyway.
            int forcesBefore = channels.forces.get();
            StagedSnapshot staged = wal.stageSnapshot(2, 1, out -> out.write(NEW_STATE));
            assertThat(channels.forces.get()).as("the staged file was forced").isEqualTo(forcesBefore + 1);
            assertThat(blocked.result).isNotDone();

            releaseForce.countDown();
            blocked.result.get(10, TimeUnit.SECONDS);
            installAndWait(wal, staged);
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(2);
            assertThat(wal.recoveredState().entries()).containsExactly(entry(3, 1));
        }
    }

    @Test
    void aFailedStagingWriteThrowsAndLeavesTheWalWorking() throws Exception {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            wal.submitAndWait(WalTesting.withTerm(List.of(entry(1, 1), entry(2, 1))));
            channels.writeFailure = new IOException("disk full");
            assertThatThrownBy(() -> wal.stageSnapshot(2, 1, out -> out.write(NEW_STATE)))
                    .isInstanceOf(IOException.class).hasMessageContaining("disk full");
            channels.writeFailure = null;
            wal.submitAndWait(WalTesting.withTerm(List.of(entry(3, 1))));
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().snapshot().isEmpty()).isTrue();
            assertThat(wal.recoveredState().entries()).hasSize(3);
        }
    }

    @Test
    void aStagedSnapshotNotNewerThanTheSubmittedOneIsRefusedAndCanBeDiscarded() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            StagedSnapshot staged = wal.stageSnapshot(40, 1, out -> out.write(NEW_STATE));
            // Meanwhile a newer snapshot came from the leader.
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 70, 1, OLD_STATE)));

            assertThatThrownBy(() -> wal.installStagedSnapshot(staged, new WalTesting.FutureCallback()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("staged snapshot at 40 is not newer than the one at 70");
            wal.discardStagedSnapshot(staged);
            assertThat(fileNames(directory)).doesNotContain(WalFiles.stagedSnapshotName(40));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(70);
        }
    }
}
