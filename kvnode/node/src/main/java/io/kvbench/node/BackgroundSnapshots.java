package io.kvbench.node;

import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.kv.KvStateCapture;
import io.kvbench.raft.Snapshot;
import io.kvbench.wal.StagedSnapshot;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalFailedException;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Takes the node's own snapshots (§7 log compaction) off its core thread. The core thread captures the state
 * machine (reference copies, no encoding) and calls {@link #start}; a background thread serializes the capture
 * straight into a staged file through the WAL (write and fsync; a fixed buffer, never the whole state in memory),
 * then hands the result back to the core thread, which installs it and compacts. One job at a time: the driver
 * starts the next only once the result is back. Serializing and writing are one pass, timed together.
 */
final class BackgroundSnapshots implements AutoCloseable {
    /** A serialized, durably staged snapshot, with where its time went. */
    record Staged(Snapshot snapshot, StagedSnapshot file, long captureNanos, long writeNanos)
            implements WrittenSnapshot {
        @Override
        public long sizeBytes() {
            return file.sizeBytes();
        }
    }

    /** What the core thread does with a job's outcome. */
    interface Outcome {
        void staged(Staged staged);

        /** Writing or forcing the staged file failed: as any failed write, the node's storage failed. */
        void failed(IOException cause);
    }

    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Wal wal;
    private final Executor executor;
    /** The executor when this class made it (and so shuts it down); null when a test passed its own. */
    private final ExecutorService ownedExecutor;
    private final Consumer<Runnable> coreThread;

    /**
     * @param executor   runs jobs off the core thread; null for a daemon thread of this class's own
     * @param coreThread queues a task on the node's core thread
     */
    BackgroundSnapshots(int nodeId, Wal wal, Executor executor, Consumer<Runnable> coreThread) {
        this.wal = wal;
        this.coreThread = coreThread;
        if (executor != null) {
            this.executor = executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "kvnode-" + nodeId + "-snapshot");
                thread.setDaemon(true);
                return thread;
            });
            this.executor = ownedExecutor;
        }
    }

    /**
     * Core thread: serializes and stages {@code capture} in the background, then runs {@code outcome} on the core
     * thread. {@code term} is the term of the capture's last entry, read at capture time: by the time the job
     * ends a snapshot from the leader may have compacted that entry away.
     */
    void start(KvStateCapture capture, long term, long captureNanos, Outcome outcome) {
        try {
            executor.execute(() -> run(capture, term, captureNanos, outcome));
        } catch (RejectedExecutionException e) {
            // Closing: no more snapshots.
        }
    }

    /** Core thread: deletes the staged file of a result that will not be installed, off the core thread. */
    void discard(StagedSnapshot staged) {
        try {
            executor.execute(() -> wal.discardStagedSnapshot(staged));
        } catch (RejectedExecutionException e) {
            // Closing: the file stays, and recovery deletes staged files.
        }
    }

    private void run(KvStateCapture capture, long term, long captureNanos, Outcome outcome) {
        try {
            long startNanos = System.nanoTime();
            Snapshot snapshot = new Snapshot(capture.lastAppliedIndex(), term);
            StagedSnapshot file = wal.stageSnapshot(snapshot.lastIndex(), term, capture::serializeTo);
            Staged staged = new Staged(snapshot, file, captureNanos, System.nanoTime() - startNanos);
            coreThread.accept(() -> outcome.staged(staged));
        } catch (IOException e) {
            coreThread.accept(() -> outcome.failed(e));
        } catch (WalFailedException e) {
            coreThread.accept(() -> outcome.failed(e.getCause()));
        } catch (RuntimeException | Error e) {
            // A bug (say a broken invariant met while serializing): fail the core thread, which stops the node.
            coreThread.accept(() -> {
                throw new IllegalStateException("snapshot at " + capture.lastAppliedIndex() + " failed: " + e, e);
            });
        }
    }

    /** Waits for a running job to finish (so that it writes nothing once the WAL is closed). */
    @Override
    public void close() {
        if (ownedExecutor == null) return;
        ownedExecutor.shutdown();
        try {
            if (!ownedExecutor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("snapshot thread still running after " + CLOSE_WAIT_SECONDS + " s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
