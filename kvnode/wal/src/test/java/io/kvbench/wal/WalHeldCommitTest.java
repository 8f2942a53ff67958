package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.entries;
import static io.kvbench.wal.WalTesting.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.HardState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Wal#hold} and {@link Wal#commitHeld}: the writer commits itself while the WAL thread is idle (issue 19). */
@Timeout(60)
class WalHeldCommitTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path directory;

    private final FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();

    /** Records the thread and order of its completion. */
    private static final class Recorded extends WalTesting.FutureCallback {
        final String name;
        final List<String> completions;
        volatile String thread;

        Recorded(String name, List<String> completions) {
            this.name = name;
            this.completions = completions;
        }

        @Override
        public void onDurable() {
            thread = Thread.currentThread().getName();
            completions.add(name);
            super.onDurable();
        }

        @Override
        public void onFailure(IOException cause) {
            thread = Thread.currentThread().getName();
            completions.add(name);
            super.onFailure(cause);
        }
    }

    /** The WAL thread finishes a task (counts it done) just after its callbacks ran. */
    private static void awaitIdle(Wal wal) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (wal.unfinishedTasks() > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("the WAL thread did not finish its task");
            Thread.onSpinWait();
        }
    }

    @Test
    void heldBatchesWaitForCommitHeldThenAreWrittenAndForcedTogetherOnTheCallersThread() throws Exception {
        List<String> completions = new CopyOnWriteArrayList<>();
        List<Recorded> callbacks = new ArrayList<>();
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            long forcesAtOpen = wal.stats().forces();
            for (long index = 1; index <= 3; index++) {
                Recorded callback = new Recorded("batch " + index, completions);
                callbacks.add(callback);
                wal.hold(new WalBatch(new HardState(1, 1), List.of(entry(index, 1)), null), callback);
            }
            assertThat(completions).as("nothing is written before commitHeld").isEmpty();
            assertThat(wal.stats().batches()).isZero();

            assertThat(wal.commitHeld()).isTrue();

            // Done before commitHeld returned, on this thread, in order, as one group.
            assertThat(completions).containsExactly("batch 1", "batch 2", "batch 3");
            assertThat(callbacks).allSatisfy(callback -> {
                assertThat(callback.reportedDurable).isTrue();
                assertThat(callback.thread).isEqualTo(Thread.currentThread().getName());
            });
            WalStats stats = wal.stats();
            assertThat(stats.groupCommits()).isEqualTo(1);
            assertThat(stats.batches()).isEqualTo(3);
            assertThat(stats.forces()).isGreaterThan(forcesAtOpen);

            wal.commitHeld(); // nothing held: nothing happens
            assertThat(wal.stats().groupCommits()).isEqualTo(1);
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(entries(1, 3, 1));
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(1, 1));
        }
    }

    @Test
    void whileTheWalThreadIsBusyHeldBatchesAreQueuedBehindItsWorkInOrder() throws Exception {
        List<String> completions = new CopyOnWriteArrayList<>();
        CountDownLatch releaseForce = new CountDownLatch(1);
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            channels.blockNextForce = releaseForce;
            Recorded submitted = new Recorded("submitted", completions);
            wal.submit(new WalBatch(new HardState(1, 1), List.of(entry(1, 1)), null), submitted);
            assertThat(channels.forceEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue(); // the WAL thread is stuck

            Recorded held = new Recorded("held", completions);
            wal.hold(WalTesting.withTerm(List.of(entry(2, 1))), held);
            assertThat(wal.commitHeld()).as("queued, not committed here").isFalse(); // nor did it wait for the WAL thread
            assertThat(held.result).isNotDone();
            assertThat(completions).isEmpty();

            releaseForce.countDown();
            held.result.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(completions).containsExactly("submitted", "held");
            assertThat(held.thread).startsWith("wal-");
            assertThat(held.reportedDurable).isTrue();

            // Once the WAL thread is idle again, the writer commits on its own thread again.
            awaitIdle(wal);
            Recorded afterBusy = new Recorded("after busy", completions);
            wal.hold(WalTesting.withTerm(List.of(entry(3, 1))), afterBusy);
            assertThat(wal.commitHeld()).isTrue();
            assertThat(afterBusy.thread).isEqualTo(Thread.currentThread().getName());
            assertThat(completions).containsExactly("submitted", "held", "after busy");
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(entries(1, 3, 1));
        }
    }

    @Test
    void queueHeldHandsTheHeldBatchesToTheWalThread() throws Exception {
        List<String> completions = new CopyOnWriteArrayList<>();
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            Recorded first = new Recorded("held 1", completions);
            Recorded second = new Recorded("held 2", completions);
            wal.hold(new WalBatch(new HardState(1, 1), List.of(entry(1, 1)), null), first);
            wal.hold(WalTesting.withTerm(List.of(entry(2, 1))), second);
            wal.queueHeld();
            second.result.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(completions).containsExactly("held 1", "held 2");
            assertThat(first.thread).startsWith("wal-");
            assertThat(wal.commitHeld()).as("nothing left held").isFalse();
        }
    }

    @Test
    void aSubmitOrCloseAfterHeldBatchesQueuesThemFirst() throws Exception {
        List<String> completions = new CopyOnWriteArrayList<>();
        Recorded heldBeforeSubmit = new Recorded("held 1", completions);
        Recorded submitted = new Recorded("submitted 2", completions);
        Recorded heldAtClose = new Recorded("held 3", completions);
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.hold(new WalBatch(new HardState(1, 1), List.of(entry(1, 1)), null), heldBeforeSubmit);
            wal.submit(WalTesting.withTerm(List.of(entry(2, 1))), submitted);
            submitted.result.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(completions).containsExactly("held 1", "submitted 2");

            wal.hold(WalTesting.withTerm(List.of(entry(3, 1))), heldAtClose);
        } // close: never committed by the writer, so the WAL thread commits it before stopping
        assertThat(heldAtClose.reportedDurable).isTrue();
        assertThat(completions).containsExactly("held 1", "submitted 2", "held 3");
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(entries(1, 3, 1));
        }
    }

    @Test
    void heldBatchesAreCheckedWhenHeldAndAFailedCommitFailsThemAndEveryLaterOne() throws Exception {
        List<String> completions = new CopyOnWriteArrayList<>();
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 2, 1)));
            awaitIdle(wal); // its callback ran before the WAL thread finished the task: wait until it has
            assertThatThrownBy(() -> wal.hold(WalTesting.withTerm(List.of(entry(9, 1))), new Recorded("gap", completions)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gap");

            IOException injected = new IOException("injected fsync failure");
            channels.forceFailure = injected;
            Recorded failing = new Recorded("failing", completions);
            wal.hold(WalTesting.withTerm(List.of(entry(3, 1))), failing);
            wal.commitHeld();
            assertThat(failing.reportedDurable).isFalse();
            assertThat(failing.thread).isEqualTo(Thread.currentThread().getName());
            assertThatThrownBy(failing.result::get).cause().isInstanceOf(WalIoException.class).cause().isSameAs(injected);
            assertThatThrownBy(() -> wal.hold(WalTesting.withTerm(List.of(entry(4, 1))), new Recorded("after", completions)))
                    .isInstanceOf(WalFailedException.class);
            assertThat(completions).containsExactly("failing");
        }
    }
}
