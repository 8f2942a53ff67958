package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.entries;
import static io.kvbench.wal.WalTesting.entry;
import static io.kvbench.wal.WalTesting.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WalRoundTripTest {
    private static final WalCallback NO_CALLBACK = new WalCallback() {
        @Override
        public void onDurable() {
        }

        @Override
        public void onFailure(java.io.IOException cause) {
        }
    };
    private static final WalOptions SMALL_SEGMENTS = WalOptions.defaults().withSegmentSizeBytes(1024);

    @TempDir
    Path directory;

    @Test
    void emptyDirectoryRecoversNothing() throws Exception {
        try (Wal wal = Wal.open(directory.resolve("fresh"), WalOptions.defaults())) {
            RecoveredState state = wal.recoveredState();
            assertThat(state.hardState()).isEqualTo(HardState.INITIAL);
            assertThat(state.snapshot()).isSameAs(Snapshot.EMPTY);
            assertThat(state.entries()).isEmpty();
        }
    }

    @Test
    void entriesAndHardStateSurviveReopenAcrossSegmentRolls() throws Exception {
        List<Entry> written = new ArrayList<>();
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            for (long first = 1; first <= 500; first += 7) {
                List<Entry> batch = entries(first, Math.min(first + 6, 500), 1 + first / 100);
                wal.submitAndWait(new WalBatch(new HardState(1 + first / 100, 3), batch, null));
                written.addAll(batch);
            }
        }
        assertThat(segmentFiles(directory)).hasSizeGreaterThan(5);
        assertThat(segmentFiles(directory).get(0).getFileName().toString()).isEqualTo("wal-0000000000000001.log");

        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            RecoveredState state = wal.recoveredState();
            assertThat(state.entries()).isEqualTo(written);
            assertThat(state.hardState()).isEqualTo(new HardState(5, 3));
            // Appending after recovery continues the same log.
            wal.submitAndWait(WalTesting.withTerm(entries(501, 520, 5)));
            written.addAll(entries(501, 520, 5));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
    }

    @Test
    void overwritingEntriesTruncatesTheSuffixPhysically() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 200, 1)));
            int segmentsBefore = segmentFiles(directory).size();
            // A new leader's entries conflict from index 40 on (§5.3).
            wal.submitAndWait(WalTesting.withTerm(entries(40, 45, 2)));
            assertThat(segmentFiles(directory).size()).isLessThan(segmentsBefore);
        }
        List<Entry> expected = new ArrayList<>(entries(1, 39, 1));
        expected.addAll(entries(40, 45, 2));
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(expected);
            wal.submitAndWait(WalTesting.withTerm(entries(46, 50, 2)));
            expected.addAll(entries(46, 50, 2));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(expected);
        }
    }

    @Test
    void overwritingFromASegmentsFirstIndexDeletesThatSegment() throws Exception {
        long secondSegmentFirstIndex;
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 100, 1)));
            String name = segmentFiles(directory).get(1).getFileName().toString();
            secondSegmentFirstIndex = Long.parseLong(name.substring(4, 20), 16);
            wal.submitAndWait(WalTesting.withTerm(entries(secondSegmentFirstIndex, secondSegmentFirstIndex, 3)));
        }
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            List<Entry> recovered = wal.recoveredState().entries();
            assertThat(recovered).hasSize((int) secondSegmentFirstIndex);
            assertThat(recovered.get(recovered.size() - 1)).isEqualTo(entry(secondSegmentFirstIndex, 3));
        }
    }

    @Test
    void callbacksRunInSubmissionOrder() throws Exception {
        List<Integer> completed = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(100);
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            for (int i = 0; i < 100; i++) {
                int batchNumber = i;
                wal.submit(WalTesting.withTerm(List.of(entry(i + 1, 1))), new WalCallback() {
                    @Override
                    public void onDurable() {
                        completed.add(batchNumber);
                        all.countDown();
                    }

                    @Override
                    public void onFailure(java.io.IOException cause) {
                        all.countDown();
                    }
                });
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(completed).isSorted().hasSize(100);
    }

    @Test
    void closeFinishesWhatWasSubmitted() throws Exception {
        WalTesting.FutureCallback callback = new WalTesting.FutureCallback();
        Wal wal = Wal.open(directory, WalOptions.defaults());
        wal.submit(WalTesting.withTerm(entries(1, 10, 1)), callback);
        wal.close();
        assertThat(callback.result).isCompleted();
        assertThat(callback.reportedDurable).isTrue();
        assertThatThrownBy(() -> wal.submit(WalBatch.empty(), new WalTesting.FutureCallback()))
                .isInstanceOf(IllegalStateException.class);
        try (Wal reopened = Wal.open(directory, WalOptions.defaults())) {
            assertThat(reopened.recoveredState().entries()).isEqualTo(entries(1, 10, 1));
        }
    }

    @Test
    void aGapOrStaleSnapshotIsRejectedAtSubmit() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 5, 1)));
            assertThatThrownBy(() -> wal.submit(WalTesting.withTerm(entries(7, 8, 1)), new WalTesting.FutureCallback()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gap");
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 4, 1, new byte[] {1})));
            assertThatThrownBy(() -> wal.submit(WalBatch.ofSnapshot(WalTesting.received(wal, 3, 1, new byte[0])),
                    new WalTesting.FutureCallback())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> wal.compact(5)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> WalTesting.withTerm(List.of(entry(1, 1), entry(3, 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWalAcceptsWhatTheCoreSubmitsAndRefusesATermTheHardStateHasNotReached() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.submitAndWait(new WalBatch(new HardState(3, 1), entries(1, 4, 3), null));
            // A follower that adopted a newer term appends a leader's entries of older terms: accepted.
            wal.submitAndWait(new WalBatch(new HardState(7, 0), entries(5, 6, 4), null));
            wal.submitAndWait(WalBatch.ofEntries(entries(7, 8, 6)));
            // A snapshot from the leader of a newer term, in the batch that adopts that term: accepted.
            wal.submitAndWait(new WalBatch(new HardState(9, 0), List.of(),
                    WalTesting.received(wal, 20, 9, "state".getBytes(java.nio.charset.StandardCharsets.UTF_8))));

            // Entries or a snapshot of a term the hard state has not reached, or a term going back: refused at once.
            assertThatThrownBy(() -> wal.submit(WalBatch.ofEntries(entries(21, 21, 10)), NO_CALLBACK))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch holds term 10 but the hard state's term is 9");
            StagedSnapshot tooNew = WalTesting.received(wal, 30, 10, new byte[1]);
            assertThatThrownBy(() -> wal.submit(WalBatch.ofSnapshot(tooNew), NO_CALLBACK))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch holds term 10");
            assertThatThrownBy(() -> wal.submit(WalBatch.ofHardState(new HardState(8, 2)), NO_CALLBACK))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("terms never go back");
            // Nothing of the refused batches was taken: the log goes on where it was.
            wal.submitAndWait(new WalBatch(new HardState(10, 0), entries(21, 21, 10), null));
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(10, 0));
            assertThat(wal.recoveredState().snapshot().lastIndex()).isEqualTo(20);
            assertThat(wal.recoveredState().entries()).extracting(Entry::index).containsExactly(21L);
        }
    }
}
