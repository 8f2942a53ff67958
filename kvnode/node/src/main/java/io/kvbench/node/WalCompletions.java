package io.kvbench.node;

import io.kvbench.wal.WalCallback;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Brings the WAL thread's completions back to the core thread. The WAL calls one {@link WalCallback} per submitted
 * batch, in submission order, for every batch of a group after its one fsync. Per batch (the default) each completion
 * is a task of its own on the core thread; per group ({@code kvnode run --wal-completions per-group}, issue 19) the
 * completions a group makes are counted and one task hands them all to the driver, so a group of N batches costs one
 * task and at most one wake-up of the core thread instead of N tasks. Either way the driver learns of each batch in
 * order (the completions carry no data), and a failure reaches it after every completion before it.
 */
final class WalCompletions {
    private final Consumer<Runnable> coreThread;
    private final Runnable persistedOne;
    private final Consumer<IOException> failed;
    private final boolean perGroup;
    /** Per group: batches durable and not yet handed to the driver; the task that hands them over is queued iff > 0. */
    private final AtomicInteger durableNotHandedOver = new AtomicInteger();
    private final LongAdder tasksPosted = new LongAdder();
    private final Runnable persistedAll = this::handOverDurable;
    private final WalCallback callback = new WalCallback() {
        @Override
        public void onDurable() {
            if (!perGroup) {
                post(persistedOne);
            } else if (durableNotHandedOver.getAndIncrement() == 0) {
                post(persistedAll); // the first of this group (or of several, if the core thread is behind)
            }
        }

        @Override
        public void onFailure(IOException cause) {
            post(() -> failed.accept(cause)); // queued after any hand-over of the batches durable before it
        }
    };

    /**
     * @param coreThread   queues a task on the core thread
     * @param persistedOne tells the driver its oldest outstanding batch is durable (core thread)
     * @param failed       tells the driver the storage failed (core thread)
     */
    WalCompletions(Consumer<Runnable> coreThread, Runnable persistedOne, Consumer<IOException> failed, boolean perGroup) {
        this.coreThread = coreThread;
        this.persistedOne = persistedOne;
        this.failed = failed;
        this.perGroup = perGroup;
    }

    /** The one callback every batch is submitted with. */
    WalCallback callback() {
        return callback;
    }

    /** Tasks posted to the core thread so far (for the node's status: tasks per write). */
    long tasksPosted() {
        return tasksPosted.sum();
    }

    private void post(Runnable task) {
        tasksPosted.increment();
        coreThread.accept(task);
    }

    /**
     * Core thread. Takes the count before handing over: a completion counted after it posts a new task (the count went
     * from 0 to 1 again), so none is lost and none is handed over twice.
     */
    private void handOverDurable() {
        for (int durable = durableNotHandedOver.getAndSet(0); durable > 0; durable--) persistedOne.run();
    }
}
