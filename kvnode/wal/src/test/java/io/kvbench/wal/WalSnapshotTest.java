package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.entries;
import static io.kvbench.wal.WalTesting.fileNames;
import static io.kvbench.wal.WalTesting.fixedEntry;
import static io.kvbench.wal.WalTesting.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WalSnapshotTest {
    /** 126-byte records, 9 per segment: segments start at 1, 10, 19, 28, 37, 46, ... */
    private static final WalOptions SMALL_SEGMENTS = WalOptions.defaults().withSegmentSizeBytes(1024);
    private static final byte[] STATE = {7, 7, 7};

    @TempDir
    Path directory;

    private static List<Entry> fixedEntries(long fromIndex, long toIndex, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = fromIndex; index <= toIndex; index++) result.add(fixedEntry(index, term, 100));
        return result;
    }

    @Test
    void snapshotThenCompactDeletesCoveredSegmentsAndSurvivesReopen() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 50, 1, STATE)));
            wal.compact(50);
            wal.submitAndWait(WalBatch.empty()); // compaction runs in order; this waits for it
        }
        assertThat(segmentFiles(directory).get(0).getFileName().toString()).isEqualTo(String.format("wal-%016x.log", 46));
        assertThat(fileNames(directory)).contains(String.format("snapshot-%016x.snap", 50));

        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            RecoveredState state = wal.recoveredState();
            assertThat(state.snapshot().lastIndex()).isEqualTo(50);
            assertThat(state.snapshot().lastTerm()).isEqualTo(1);
            assertThat(WalTesting.content(wal, state.snapshot())).isEqualTo(STATE);
            assertThat(state.entries()).isEqualTo(fixedEntries(51, 100, 1));
        }
    }

    @Test
    void newerSnapshotDeletesTheOlderFile() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 50, 1, STATE)));
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 80, 1, STATE)));
        }
        assertThat(fileNames(directory)).filteredOn(name -> name.endsWith(".snap"))
                .containsExactly(String.format("snapshot-%016x.snap", 80));
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(80);
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(81, 100, 1));
        }
    }

    @Test
    void snapshotWhoseLastEntryTheLogDoesNotMatchDiscardsTheWholeLog() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            wal.submitAndWait(new WalBatch(new HardState(2, 0), List.of(), WalTesting.received(wal, 60, 2, STATE)));
            assertThat(segmentFiles(directory)).isEmpty();
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(61, 70, 2)));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(60);
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(61, 70, 2));
        }
    }

    @Test
    void snapshotBeyondTheEndOfTheLogDiscardsIt() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 10, 1)));
            wal.submitAndWait(new WalBatch(new HardState(3, 0), List.of(), WalTesting.received(wal, 50, 3, STATE)));
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(51, 52, 3)));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(50);
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(51, 52, 3));
        }
    }

    @Test
    void entriesInTheSnapshotsBatchAtOrBelowItAreIgnoredAndTheRestOverwrite() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            wal.submitAndWait(new WalBatch(new HardState(2, 0), fixedEntries(45, 60, 2), WalTesting.received(wal, 50, 1, STATE)));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(51, 60, 2));
        }
    }

    @Test
    void crashAfterSnapshotButBeforeTheLogWasDiscardedFinishesTheDiscard() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            // Term 2 reached the hard state (with the snapshot's batch) before the snapshot file did.
            wal.submitAndWait(new WalBatch(new HardState(2, 0), fixedEntries(1, 100, 1), null));
        }
        // The snapshot reached the disk, the deletion of the mismatching log did not.
        Files.write(directory.resolve(WalFiles.snapshotName(60)), WalTesting.snapshotFileBytes(60, 2, STATE));

        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(60);
            assertThat(wal.recoveredState().entries()).isEmpty();
            assertThat(segmentFiles(directory)).isEmpty();
        }
    }

    @Test
    void compactedSegmentReappearingAfterACrashIsDroppedAgain() throws Exception {
        Path saved = directory.resolve("saved");
        Files.createDirectories(saved);
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            Files.copy(segmentFiles(directory).get(0), saved.resolve("first"));
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 50, 1, STATE)));
            wal.compact(50);
            wal.submitAndWait(WalBatch.empty());
        }
        // Compaction does not fsync the directory: the deletion may be lost.
        Files.copy(saved.resolve("first"), directory.resolve(WalFiles.segmentName(1)), StandardCopyOption.REPLACE_EXISTING);

        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(fixedEntries(51, 100, 1));
        }
        assertThat(directory.resolve(WalFiles.segmentName(1))).doesNotExist();
    }

    @Test
    void corruptSnapshotFileRefusesToOpen() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 10, 1)));
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 5, 1, STATE)));
        }
        Path snapshotFile = directory.resolve(WalFiles.snapshotName(5));
        WalRecoveryTest.flipByte(snapshotFile, Files.size(snapshotFile) - 1);

        assertThatThrownBy(() -> Wal.open(directory, SMALL_SEGMENTS))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining(snapshotFile.getFileName().toString())
                .hasMessageContaining("CRC mismatch");
    }

    @Test
    void logStartingAfterTheSnapshotLeavesAGap() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 100, 1)));
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 20, 1, STATE)));
            wal.compact(20);
            wal.submitAndWait(WalBatch.empty());
        }
        Files.delete(segmentFiles(directory).get(0)); // the segment holding 20..27

        assertThatThrownBy(() -> Wal.open(directory, SMALL_SEGMENTS))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining(WalFiles.segmentName(28))
                .hasMessageContaining("snapshot ends at 20");
    }
}
