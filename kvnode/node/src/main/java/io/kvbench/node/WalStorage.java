package io.kvbench.node;

import io.kvbench.driver.ReplicaDriver;
import io.kvbench.driver.Storage;
import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.kv.KvStateCapture;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalBatch;
import io.kvbench.wal.WalCallback;
import io.kvbench.wal.WalFailedException;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The driver's storage in the node: the WAL, whose completions come back to the core thread as tasks, and
 * {@link BackgroundSnapshots} for the node's own snapshots. When the WAL's queue is full it tells the runtime,
 * which stops reading client sockets until the queue drains (the WAL never blocks the core thread).
 */
final class WalStorage implements Storage {
    private final Wal wal;
    private final BackgroundSnapshots snapshots;
    private final Consumer<Runnable> coreThread;
    private final Runnable onQueueFull;
    private ReplicaDriver driver;
    private final Runnable persisted = () -> driver.persisted();
    /** One callback for every batch: completions carry no data and arrive in submission order. */
    private final WalCallback persistCallback = new WalCallback() {
        @Override
        public void onDurable() {
            coreThread.accept(persisted);
        }

        @Override
        public void onFailure(IOException cause) {
            coreThread.accept(() -> driver.storageFailed(cause));
        }
    };

    /**
     * @param coreThread  queues a task on the node's core thread
     * @param onQueueFull runs on the core thread after a submit that left the WAL's queue full
     */
    WalStorage(Wal wal, BackgroundSnapshots snapshots, Consumer<Runnable> coreThread, Runnable onQueueFull) {
        this.wal = wal;
        this.snapshots = snapshots;
        this.coreThread = coreThread;
        this.onQueueFull = onQueueFull;
    }

    /** The driver the completions go to; before the first call. */
    void bind(ReplicaDriver owner) {
        this.driver = owner;
    }

    /** The WAL fails fast once a write or fsync failed, possibly before its failure callback reached the core. */
    @Override
    public void persist(HardState hardState, List<Entry> entries, Snapshot snapshot) throws IOException {
        try {
            wal.submit(new WalBatch(hardState, entries, snapshot), persistCallback);
        } catch (WalFailedException e) {
            throw e.getCause();
        }
        if (wal.queueFull()) onQueueFull.run();
    }

    @Override
    public void writeSnapshot(KvStateCapture capture, long term, long captureNanos) {
        snapshots.start(capture, term, captureNanos, new BackgroundSnapshots.Outcome() {
            @Override
            public void staged(BackgroundSnapshots.Staged staged) {
                driver.snapshotWritten(staged);
            }

            @Override
            public void failed(IOException cause) {
                driver.snapshotFailed(cause);
            }
        });
    }

    /** A rename queued behind what was submitted, then the compaction of the segments it covers. */
    @Override
    public void installSnapshot(WrittenSnapshot written) throws IOException {
        BackgroundSnapshots.Staged staged = (BackgroundSnapshots.Staged) written;
        try {
            wal.installStagedSnapshot(staged.file(), new WalCallback() {
                @Override
                public void onDurable() {
                    // The WAL may now drop segments the snapshot covers.
                }

                @Override
                public void onFailure(IOException cause) {
                    coreThread.accept(() -> driver.storageFailed(cause));
                }
            });
            wal.compact(staged.snapshot().lastIndex());
        } catch (WalFailedException e) {
            throw e.getCause();
        }
    }

    @Override
    public void discardSnapshot(WrittenSnapshot written) {
        snapshots.discard(((BackgroundSnapshots.Staged) written).file());
    }
}
