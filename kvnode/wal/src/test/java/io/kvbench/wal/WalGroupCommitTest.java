package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.entries;
import static io.kvbench.wal.WalTesting.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WalGroupCommitTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path directory;

    private final FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();

    private WalOptions options() {
        return WalOptions.defaults().withChannelFactory(channels);
    }

    private static void awaitAll(List<WalTesting.FutureCallback> callbacks) throws Exception {
        for (WalTesting.FutureCallback callback : callbacks) {
            try {
                callback.result.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException expectedForFailureTests) {
                // the caller inspects the outcome
            }
        }
    }

    @Test
    void batchesQueuedBehindABusyFsyncShareTheNextOne() throws Exception {
        CountDownLatch releaseForce = new CountDownLatch(1);
        List<WalTesting.FutureCallback> callbacks = new ArrayList<>();
        try (Wal wal = Wal.open(directory, options())) {
            long forcesAtOpen = wal.stats().forces(); // creating the initial hard state file
            channels.blockNextForce = releaseForce;
            WalTesting.FutureCallback first = new WalTesting.FutureCallback();
            callbacks.add(first);
            wal.submit(new WalBatch(new HardState(1, 1), List.of(entry(1, 1)), null), first);
            assertThat(channels.forceEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

            for (long index = 2; index <= 50; index++) {
                WalTesting.FutureCallback callback = new WalTesting.FutureCallback();
                callbacks.add(callback);
                wal.submit(new WalBatch(new HardState(1, 1), List.of(entry(index, 1)), null), callback);
            }
            assertThat(first.result).isNotDone(); // its fsync has not returned yet
            releaseForce.countDown();
            awaitAll(callbacks);

            assertThat(callbacks).allSatisfy(callback -> assertThat(callback.reportedDurable).isTrue());
            WalStats stats = wal.stats();
            assertThat(stats.batches()).isEqualTo(50);
            assertThat(stats.groupCommits()).isEqualTo(2);
            assertThat(stats.largestGroupBatches()).isEqualTo(49);
            assertThat(stats.entriesWritten()).isEqualTo(50);
            // Every force is counted, but the one that made the preallocated segment durable (at open, off
            // the write path) counts as preallocation, not as a force writes waited for.
            assertThat(stats.segmentsPreallocated()).isEqualTo(1);
            assertThat(stats.forces() + stats.segmentsPreallocated()).isEqualTo(channels.forces.get());
            // Group 1: the hard state (a new term, made durable before its entries), the segment and the directory
            // (new segment file). Group 2: the segment only, once for 49 batches (their hard state is unchanged).
            assertThat(stats.forces() - forcesAtOpen).isEqualTo(4).isLessThan(stats.batches());
            assertThat(stats.batchesPerGroupCommit()).isEqualTo(25.0);
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(entries(1, 50, 1).stream()
                    .map(e -> entry(e.index(), 1)).toList());
        }
    }

    @Test
    void failedForceFailsThatBatchAndEveryLaterOneAndNothingIsReportedDurable() throws Exception {
        IOException injected = new IOException("injected fsync failure");
        try (Wal wal = Wal.open(directory, options())) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 5, 1)));

            CountDownLatch releaseForce = new CountDownLatch(1);
            channels.forceFailure = injected;
            channels.blockNextForce = releaseForce;
            List<WalTesting.FutureCallback> callbacks = new ArrayList<>();
            for (long index = 6; index <= 15; index++) {
                WalTesting.FutureCallback callback = new WalTesting.FutureCallback();
                callbacks.add(callback);
                wal.submit(WalTesting.withTerm(List.of(entry(index, 1))), callback);
                if (index == 6) assertThat(channels.forceEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            }
            releaseForce.countDown();
            awaitAll(callbacks);

            assertThat(callbacks).allSatisfy(callback -> {
                assertThat(callback.reportedDurable).isFalse();
                assertThat(callback.result).isCompletedExceptionally();
                // The injected failure, named: which file, which operation.
                assertThatThrownBy(callback.result::get).cause().isInstanceOf(WalIoException.class).cause().isSameAs(injected);
            });
            assertThatThrownBy(() -> wal.submit(WalTesting.withTerm(List.of(entry(16, 1))),
                    new WalTesting.FutureCallback()))
                    .isInstanceOf(WalFailedException.class)
                    .cause().cause().isSameAs(injected);
            assertThatThrownBy(() -> wal.submitAndWait(WalBatch.empty())).isInstanceOf(WalFailedException.class);
            assertThat(wal.stats().batches()).isEqualTo(1);
        }
    }

    @Test
    void failedWriteFailsTheBatch() throws Exception {
        IOException injected = new IOException("injected: no space left on device");
        try (Wal wal = Wal.open(directory, options())) {
            wal.submitAndWait(new WalBatch(new HardState(1, 0), entries(1, 5, 1), null));
            channels.writeFailure = injected;
            int forcesBefore = channels.forces.get();

            assertThatThrownBy(() -> wal.submitAndWait(WalTesting.withTerm(entries(6, 10, 1))))
                    .isInstanceOf(IOException.class)
                    .cause().isInstanceOf(WalIoException.class).cause().isSameAs(injected);
            assertThat(channels.forces.get()).isEqualTo(forcesBefore);
            assertThatThrownBy(() -> wal.submit(WalBatch.empty(), new WalTesting.FutureCallback()))
                    .isInstanceOf(WalFailedException.class);
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(entries(1, 5, 1));
        }
    }

    @Test
    void syncModeNoneNeverForces() throws Exception {
        WalOptions noSync = options().withSyncMode(SyncMode.NONE).withSegmentSizeBytes(512);
        try (Wal wal = Wal.open(directory, noSync)) {
            for (long first = 1; first <= 200; first += 10) {
                wal.submitAndWait(new WalBatch(new HardState(first, 1), entries(first, first + 9, 1), null));
            }
            wal.submitAndWait(WalBatch.ofSnapshot(WalTesting.received(wal, 100, 1, new byte[] {1})));
            wal.compact(100);
            wal.submitAndWait(WalBatch.ofEntries(entries(150, 160, 2))); // truncation path too
            assertThat(wal.stats().forces()).isZero();
            assertThat(wal.stats().fsyncNanosTotal()).isZero();
            assertThat(wal.stats().batches()).isEqualTo(22);
        }
        assertThat(channels.forces.get()).isZero();
        try (Wal wal = Wal.open(directory, noSync)) {
            assertThat(wal.recoveredState().entries()).hasSize(60);
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(191, 1));
        }
        assertThat(channels.forces.get()).isZero();
    }

    @Test
    void syncModeAlwaysForcesAndTimesIt() throws Exception {
        try (Wal wal = Wal.open(directory, options())) {
            // Open: the initial hard state's temp file and the directory.
            assertThat(wal.stats().forces()).isEqualTo(2);
            wal.submitAndWait(WalTesting.withTerm(entries(1, 3, 1)));
            wal.submitAndWait(WalTesting.withTerm(entries(4, 6, 1)));
            WalStats stats = wal.stats();
            // First batch: its term's hard state, segment + directory (new file); second: segment only.
            assertThat(stats.forces()).isEqualTo(2 + 4);
            assertThat(stats.fsyncNanosTotal()).isPositive();
            assertThat(stats.fsyncNanosMax()).isPositive().isLessThanOrEqualTo(stats.fsyncNanosTotal());
        }
    }
    @Test
    void aFullQueueIsReportedWithoutBlockingTheSubmitterAndItsRoomIsAnnouncedOnceItDrains() throws Exception {
        CountDownLatch releaseForce = new CountDownLatch(1);
        try (Wal wal = Wal.open(directory, options().withQueueCapacityBatches(4))) {
            channels.blockNextForce = releaseForce;
            List<WalTesting.FutureCallback> callbacks = new ArrayList<>();
            WalTesting.FutureCallback first = new WalTesting.FutureCallback();
            callbacks.add(first);
            wal.submit(new WalBatch(new HardState(1, 1), List.of(entry(1, 1)), null), first);
            assertThat(channels.forceEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue(); // the WAL thread is stuck
            assertThat(wal.queueFull()).isFalse();

            // Twice the capacity, on this thread: none of it blocks (the node's event loop must keep running).
            for (long index = 2; index <= 9; index++) {
                WalTesting.FutureCallback callback = new WalTesting.FutureCallback();
                callbacks.add(callback);
                wal.submit(WalTesting.withTerm(List.of(entry(index, 1))), callback);
            }
            assertThat(wal.queueFull()).isTrue();
            CountDownLatch room = new CountDownLatch(1);
            List<String> roomThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
            wal.whenQueueHasRoom(() -> {
                roomThreads.add(Thread.currentThread().getName());
                room.countDown();
            });
            assertThat(room.getCount()).as("no room while the WAL thread is stuck").isEqualTo(1);

            releaseForce.countDown();
            assertThat(room.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            awaitAll(callbacks);
            assertThat(callbacks).allSatisfy(callback -> assertThat(callback.reportedDurable).isTrue());
            assertThat(wal.queueFull()).isFalse();
            assertThat(roomThreads).as("announced once, by the WAL thread").hasSize(1).allMatch(name -> name.startsWith("wal-"));

            // With room already, the action runs at once on the caller's thread.
            List<String> immediate = new ArrayList<>();
            wal.whenQueueHasRoom(() -> immediate.add(Thread.currentThread().getName()));
            assertThat(immediate).containsExactly(Thread.currentThread().getName());
        }
    }

    @Test
    void aThrowingCallbackDoesNotStopTheWal() throws Exception {
        try (Wal wal = Wal.open(directory, options())) {
            wal.submit(WalTesting.withTerm(List.of(entry(1, 1))), new WalCallback() {
                @Override
                public void onDurable() {
                    throw new IllegalStateException("callback bug");
                }

                @Override
                public void onFailure(IOException cause) {
                }
            });
            wal.submitAndWait(WalTesting.withTerm(List.of(entry(2, 1))));
        }
    }

    @Test
    void theCommitObserverHearsOfEverySuccessfulCommitAndCannotBreakTheWal() throws Exception {
        List<Long> commitNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
        WalOptions observed = options().withCommitNanosObserver(nanos -> {
            commitNanos.add(nanos);
            if (commitNanos.size() == 2) throw new IllegalStateException("an observer with a bug");
        });
        try (Wal wal = Wal.open(directory, observed)) {
            for (long index = 1; index <= 5; index++) wal.submitAndWait(WalTesting.withTerm(List.of(entry(index, 1))));

            // One commit per batch here (each waited for), each timed; the observer's exception was not the WAL's. The WAL
            // thread calls the observer after the commit's callbacks, so the last one may still be on its way.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (commitNanos.size() < 5 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(commitNanos).hasSize(5).allSatisfy(nanos -> assertThat(nanos).isPositive());
            assertThat(wal.stats().groupCommits()).isEqualTo(5);

            channels.forceFailure = new IOException("injected");
            assertThatThrownBy(() -> wal.submitAndWait(WalTesting.withTerm(List.of(entry(6, 1))))).isInstanceOf(IOException.class);
            assertThat(commitNanos).as("a failed commit is not timed").hasSize(5);
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            // Entry 6 reached the file before its fsync failed, so it may be read back too; the five must be.
            assertThat(wal.recoveredState().entries()).startsWith(entries(1, 5, 1).toArray(new io.kvbench.raft.Entry[0]));
        }
    }
}
