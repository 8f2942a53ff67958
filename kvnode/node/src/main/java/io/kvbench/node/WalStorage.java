package io.kvbench.node;

import io.kvbench.driver.ReceivedSnapshot;
import io.kvbench.driver.ReplicaDriver;
import io.kvbench.driver.SnapshotSource;
import io.kvbench.driver.Storage;
import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.kv.KvStateCapture;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import io.kvbench.wal.IncomingSnapshot;
import io.kvbench.wal.SnapshotFileReader;
import io.kvbench.wal.StagedSnapshot;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalBatch;
import io.kvbench.wal.WalCallback;
import io.kvbench.wal.WalCorruptionException;
import io.kvbench.wal.WalFailedException;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The driver's storage in the node: the WAL, whose completions come back to the core thread as tasks,
 * {@link BackgroundSnapshots} for the node's own snapshots, and a thread of its own for snapshot transfers (a leader's
 * chunk reads, a follower's chunk writes and its final check), so that neither the core thread nor the WAL thread waits
 * on a snapshot's bytes. When the WAL's queue is full it tells the runtime, which stops reading client sockets until
 * the queue drains (the WAL never blocks the core thread).
 * <p>
 * With {@code --wal-commit event-loop-when-idle} a Ready's batch is instead held and committed by a task queued on the
 * event loop, so it runs after the turn's other work, the flushes of the leader's appends among it: when the WAL
 * thread is idle and the runtime says the loop has nothing to overlap with the fsync, the loop writes and forces the
 * batch itself (issue 19: waking the WAL thread and being woken by its completion are two of the ~5 thread switches
 * an unbatched write costs each node), else the batch goes to the WAL thread as usual.
 * <p>
 * The current snapshot's file is kept open ({@link SharedReader}): a leader sends from it, and a transfer goes on
 * reading the file it started with after a newer snapshot replaced (and deleted) it.
 */
final class WalStorage implements Storage, AutoCloseable {
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Wal wal;
    private final BackgroundSnapshots snapshots;
    private final Consumer<Runnable> coreThread;
    private final Runnable onQueueFull;
    /** Null: every batch goes to the WAL thread. Else queues a task at the end of the core thread's turn. */
    private final Executor commitAfterTurn;
    /** With {@link #commitAfterTurn}: whether the core thread may commit, and what its commits took (core thread). */
    private final LoopCommits loopCommitPolicy;
    /** Whether the held batches' commit task is queued (core thread). */
    private boolean commitQueued;
    /** Set by {@link #stopCommitting}: a commit task still queued does nothing (core thread). */
    private boolean committingStopped;
    /** Group commits the core thread made itself ({@code --wal-commit event-loop-when-idle}). */
    private final LongAdder loopCommits = new LongAdder();
    private final Runnable commitHeld = this::commitHeld;
    /** Reads and writes snapshot chunks, one task at a time, in order. */
    private final ExecutorService transferIo;
    private ReplicaDriver driver;
    private final Runnable persisted = () -> driver.persisted();
    /** Tasks the WAL's completions posted to the core thread (for the node's status: tasks per write). */
    private final LongAdder completionTasks = new LongAdder();
    /**
     * One callback for every batch: completions carry no data and arrive in submission order, each a task of its own
     * on the core thread (one task per fsync group instead made no difference in issue 19's A/B).
     */
    private final WalCallback persistCallback = new WalCallback() {
        @Override
        public void onDurable() {
            postCompletion(persisted);
        }

        @Override
        public void onFailure(IOException cause) {
            postCompletion(() -> driver.storageFailed(cause));
        }
    };
    /** The current snapshot's file, open; null while there is none. Core thread. */
    private SharedReader current;

    /** The runtime's side of the core thread's own commits ({@code --wal-commit event-loop-when-idle}). Core thread. */
    interface LoopCommits {
        /** Whether this turn's fsync may block the core thread. */
        boolean allowed();

        /** The core thread spent {@code nanos} writing and forcing a group itself. */
        void took(long nanos);
    }

    /** A snapshot file open for reading, shared by the current snapshot and the transfers that send it. Core thread. */
    private final class SharedReader {
        final SnapshotFileReader reader;
        int users = 1;

        SharedReader(SnapshotFileReader reader) {
            this.reader = reader;
        }

        void release() {
            if (--users > 0) return;
            // Closed on the transfer thread, after any read already queued there.
            executeTransfer(reader::close);
        }
    }

    private record FileSource(SharedReader shared) implements SnapshotSource {
        @Override
        public Snapshot snapshot() {
            return shared.reader.snapshot();
        }

        @Override
        public long sizeBytes() {
            return shared.reader.sizeBytes();
        }
    }

    /** A snapshot being received; {@code finished} once checked whole (set on the transfer thread before the hand-off). */
    private static final class Incoming implements ReceivedSnapshot {
        final IncomingSnapshot file;
        volatile StagedSnapshot finished;

        Incoming(IncomingSnapshot file) {
            this.file = file;
        }

        @Override
        public Snapshot snapshot() {
            return file.snapshot();
        }

        @Override
        public long sizeBytes() {
            return file.sizeBytes();
        }
    }

    /**
     * @param coreThread  queues a task on the node's core thread
     * @param onQueueFull runs on the core thread after a submit that left the WAL's queue full
     * @param commitAfterTurn null to hand every batch to the WAL thread; else queues a task behind the core thread's
     *        current turn, where the batches held meanwhile are committed (on that thread if the WAL thread is idle
     *        and {@code loopCommitPolicy} allows it)
     */
    WalStorage(int nodeId, Wal wal, BackgroundSnapshots snapshots, Consumer<Runnable> coreThread, Runnable onQueueFull,
            Executor commitAfterTurn, LoopCommits loopCommitPolicy) throws IOException {
        this.wal = wal;
        this.snapshots = snapshots;
        this.coreThread = coreThread;
        this.onQueueFull = onQueueFull;
        this.commitAfterTurn = commitAfterTurn;
        this.loopCommitPolicy = loopCommitPolicy;
        this.transferIo = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "kvnode-" + nodeId + "-snapshot-io");
            thread.setDaemon(true);
            return thread;
        });
        Snapshot recovered = wal.recoveredState().snapshot();
        if (!recovered.isEmpty()) current = new SharedReader(wal.openSnapshot(recovered));
    }

    /** The driver the completions go to; before the first call. */
    void bind(ReplicaDriver owner) {
        this.driver = owner;
    }

    /** The state machine of the snapshot recovered at open (streamed from its file, checked), or null if none. */
    KvStateMachine loadRecoveredSnapshot() throws IOException {
        return current == null ? null : current.reader.readContent(KvStateMachine::restore);
    }

    /** The WAL fails fast once a write or fsync failed, possibly before its failure callback reached the core. */
    @Override
    public void persist(HardState hardState, List<Entry> entries, ReceivedSnapshot snapshot) throws IOException {
        StagedSnapshot received = null;
        if (snapshot != null) {
            received = ((Incoming) snapshot).finished;
            replaceCurrent(wal.openStaged(received)); // opened before the WAL thread renames it
        }
        WalBatch batch = new WalBatch(hardState, entries, received);
        try {
            if (commitAfterTurn == null) {
                wal.submit(batch, persistCallback);
            } else {
                wal.hold(batch, persistCallback);
                queueCommit();
            }
        } catch (WalFailedException e) {
            throw e.getCause();
        }
        if (wal.queueFull()) onQueueFull.run();
    }

    private void queueCommit() {
        if (commitQueued) return;
        commitQueued = true;
        try {
            commitAfterTurn.execute(commitHeld);
        } catch (RejectedExecutionException e) {
            // The loop no longer runs tasks: hand the batches to the WAL thread, as closing it would.
            wal.queueHeld();
        }
    }

    /**
     * Core thread, as the node stops (after the driver's last Ready): what is held goes to the WAL thread, which
     * finishes it before it closes, and a commit task still queued does nothing.
     */
    void stopCommitting() {
        committingStopped = true;
        wal.queueHeld();
    }

    /** Core thread, after the turn that held the batches. */
    private void commitHeld() {
        commitQueued = false;
        if (committingStopped) return;
        if (!loopCommitPolicy.allowed()) {
            wal.queueHeld();
        } else {
            long startNanos = System.nanoTime();
            if (wal.commitHeld()) {
                loopCommits.increment();
                loopCommitPolicy.took(System.nanoTime() - startNanos);
            }
        }
        // Queued for the WAL thread rather than committed here: they may have filled its queue.
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
        replaceCurrent(wal.openStaged(staged.file()));
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

    // ---------------------------------------------------------------- sending

    @Override
    public SnapshotSource openSnapshot(Snapshot snapshot) throws IOException {
        if (current == null || !current.reader.snapshot().equals(snapshot)) {
            throw new IOException("snapshot " + snapshot + " is not the current one ("
                    + (current == null ? "none" : current.reader.snapshot()) + ")");
        }
        current.users++;
        return new FileSource(current);
    }

    @Override
    public void readSnapshotChunk(SnapshotSource source, long offset, int maxBytes) {
        SnapshotFileReader reader = ((FileSource) source).shared().reader;
        executeTransfer(() -> {
            try {
                byte[] data = reader.read(offset, maxBytes);
                coreThread.accept(() -> driver.snapshotChunkRead(source, offset, data));
            } catch (IOException e) {
                coreThread.accept(() -> driver.storageFailed(e));
            }
        });
    }

    @Override
    public void closeSnapshot(SnapshotSource source) {
        ((FileSource) source).shared().release();
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public ReceivedSnapshot receiveSnapshot(Snapshot snapshot, long sizeBytes) throws IOException {
        try {
            return new Incoming(wal.receiveSnapshot(snapshot, sizeBytes));
        } catch (WalFailedException e) {
            throw e.getCause();
        }
    }

    @Override
    public void writeSnapshotChunk(ReceivedSnapshot received, long offset, byte[] data) {
        Incoming incoming = (Incoming) received;
        executeTransfer(() -> {
            try {
                incoming.file.write(offset, data);
                long end = offset + data.length;
                coreThread.accept(() -> driver.snapshotChunkWritten(received, end));
            } catch (IOException e) {
                coreThread.accept(() -> driver.storageFailed(e));
            }
        });
    }

    @Override
    public void finishReceivedSnapshot(ReceivedSnapshot received) {
        Incoming incoming = (Incoming) received;
        executeTransfer(() -> {
            boolean whole;
            try {
                incoming.finished = incoming.file.finish();
                whole = true;
            } catch (WalCorruptionException e) {
                whole = false; // deleted; the leader is told to start over
            } catch (IOException e) {
                coreThread.accept(() -> driver.storageFailed(e));
                return;
            }
            boolean checked = whole;
            coreThread.accept(() -> driver.receivedSnapshotFinished(received, checked));
        });
    }

    @Override
    public void discardReceivedSnapshot(ReceivedSnapshot received) {
        executeTransfer(((Incoming) received).file::discard);
    }

    /** Streams the finished file into a state machine on the core thread (memory: the state's, no copy of the bytes). */
    @Override
    public KvStateMachine loadReceivedSnapshot(ReceivedSnapshot received) throws IOException {
        try (SnapshotFileReader reader = wal.openStaged(((Incoming) received).finished)) {
            return reader.readContent(KvStateMachine::restore);
        }
    }

    /** Tasks the WAL's completions posted to the core thread so far. */
    long completionTasks() {
        return completionTasks.sum();
    }

    /** Group commits the core thread made itself so far ({@code --wal-commit event-loop-when-idle}). */
    long loopCommits() {
        return loopCommits.sum();
    }

    /** The committing thread: the WAL's, or the core's own ({@link #commitHeld}). */
    private void postCompletion(Runnable task) {
        completionTasks.increment();
        coreThread.accept(task);
    }

    private void replaceCurrent(SnapshotFileReader reader) {
        if (current != null) current.release();
        current = new SharedReader(reader);
    }

    private void executeTransfer(Runnable task) {
        try {
            transferIo.execute(task);
        } catch (RejectedExecutionException e) {
            // Closing: transfers end with the node.
        }
    }

    /** Core thread, after the driver stopped: waits for the transfer thread, then closes the current snapshot's file. */
    @Override
    public void close() {
        if (current != null) current.release();
        current = null;
        transferIo.shutdown();
        try {
            if (!transferIo.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("snapshot transfer thread still running after " + CLOSE_WAIT_SECONDS + " s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
