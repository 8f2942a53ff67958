package io.kvbench.node;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.wal.SyncMode;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalBatch;
import io.kvbench.wal.WalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kvnode run --wal-completions} (issue 19): per batch, each batch the WAL makes durable is a task on the core
 * thread; per group, the batches of one fsync group are one task, and the driver still learns of every batch, in
 * order, and of a failure after them.
 */
@Timeout(60)
class WalCompletionsTest {
    private static final int BATCHES_IN_ONE_TURN = 8;

    @TempDir
    Path directory;

    /** The core thread's queue, run by the test when it chooses. */
    private final ConcurrentLinkedQueue<Runnable> coreTasks = new ConcurrentLinkedQueue<>();
    private final List<String> driverSaw = new ArrayList<>();

    private WalCompletions completions(boolean perGroup) {
        return new WalCompletions(coreTasks::add, () -> driverSaw.add("persisted"),
                cause -> driverSaw.add("failed: " + cause.getMessage()), perGroup);
    }

    private int runCoreTasks() {
        int ran = 0;
        for (Runnable task; (task = coreTasks.poll()) != null; ran++) task.run();
        return ran;
    }

    @Test
    void perGroupTheCompletionsOfOneGroupAreOneTaskThatHandsOverEveryBatch() {
        WalCompletions completions = completions(true);
        for (int i = 0; i < BATCHES_IN_ONE_TURN; i++) completions.callback().onDurable(); // one group's callbacks

        assertThat(runCoreTasks()).isEqualTo(1);
        assertThat(driverSaw).hasSize(BATCHES_IN_ONE_TURN).containsOnly("persisted");
        assertThat(completions.tasksPosted()).isEqualTo(1);

        // The next group posts a task of its own; a failure comes after the batches durable before it.
        completions.callback().onDurable();
        completions.callback().onFailure(new IOException("disk gone"));
        assertThat(runCoreTasks()).isEqualTo(2);
        assertThat(driverSaw.subList(BATCHES_IN_ONE_TURN, driverSaw.size())).containsExactly("persisted", "failed: disk gone");
    }

    @Test
    void perBatchEachCompletionIsATaskAsBefore() {
        WalCompletions completions = completions(false);
        for (int i = 0; i < BATCHES_IN_ONE_TURN; i++) completions.callback().onDurable();

        assertThat(runCoreTasks()).isEqualTo(BATCHES_IN_ONE_TURN);
        assertThat(driverSaw).hasSize(BATCHES_IN_ONE_TURN).containsOnly("persisted");
        assertThat(completions.tasksPosted()).isEqualTo(BATCHES_IN_ONE_TURN);
    }

    /**
     * Through the real WAL: one batch holds the WAL thread in its commit, N batches are submitted meanwhile (as the
     * event loop does in one turn), and they are written and made durable as one group: per group, one task more.
     * (Had the core thread not run the first group's task yet, the second group would have joined it: no task more.)
     */
    @Test
    void batchesSubmittedInOneTurnReachTheCoreThreadAsOneTaskPerGroup() throws Exception {
        assertThat(tasksForBatchesSubmittedWhileTheWalIsBusy(true)).isEqualTo(1 + 1);
        assertThat(tasksForBatchesSubmittedWhileTheWalIsBusy(false)).isEqualTo(1 + BATCHES_IN_ONE_TURN);
    }

    private long tasksForBatchesSubmittedWhileTheWalIsBusy(boolean perGroup) throws Exception {
        coreTasks.clear();
        driverSaw.clear();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondGroupDone = new CountDownLatch(2);
        AtomicBoolean first = new AtomicBoolean(true);
        WalOptions options = WalOptions.defaults().withSyncMode(SyncMode.NONE).withCommitNanosObserver(nanos -> {
            secondGroupDone.countDown();
            if (!first.getAndSet(false)) return;
            held.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        WalCompletions completions = completions(perGroup);
        try (Wal wal = Wal.open(directory.resolve(perGroup ? "per-group" : "per-batch"), options)) {
            wal.submit(new WalBatch(new HardState(1, HardState.NO_VOTE), List.of(entry(1)), null), completions.callback());
            assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(runCoreTasks()).isEqualTo(1); // the core thread handled the first group before the next one
            for (int index = 2; index <= 1 + BATCHES_IN_ONE_TURN; index++) {
                wal.submit(new WalBatch(null, List.of(entry(index)), null), completions.callback());
            }
            release.countDown();
            assertThat(secondGroupDone.await(20, TimeUnit.SECONDS)).isTrue(); // the observer runs after the callbacks
            assertThat(wal.stats().groupCommits()).isEqualTo(2);
        }
        runCoreTasks();
        assertThat(driverSaw).hasSize(1 + BATCHES_IN_ONE_TURN).containsOnly("persisted");
        return completions.tasksPosted();
    }

    private static Entry entry(long index) {
        return Entry.command(index, 1, ("write " + index).getBytes(StandardCharsets.UTF_8));
    }
}
