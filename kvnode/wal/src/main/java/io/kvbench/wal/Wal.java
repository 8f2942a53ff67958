package io.kvbench.wal;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * The write-ahead log. One writer thread (the core's) calls {@link #submit}, {@link #installStagedSnapshot},
 * {@link #compact} and {@link #close}; a dedicated WAL thread drains everything queued, writes it, makes it durable
 * with one fsync (group commit) and then invokes the callbacks in submission order (or the writer commits what it
 * {@link #hold held} itself, see below). A snapshot the node took
 * itself is written by a background thread ({@link #stageSnapshot}), so the WAL thread only renames it.
 *
 * <p>Submitting never blocks the writer thread (the node's event loop, which must go on stepping heartbeats and
 * answering peers): once {@link WalOptions#queueCapacityBatches()} batches wait, {@link #queueFull()} says so and
 * the writer stops taking new work (the node stops reading client sockets) until {@link #whenQueueHasRoom} calls
 * back. What is queued beyond the capacity is bounded by what the writer produces before it stops: the Readies of
 * requests already read, which the core's own bounds (pending requests, in-flight appends) limit.
 *
 * <p>On the first I/O error the WAL fails for good: the failing group's callbacks and every later one get
 * {@link WalCallback#onFailure}, and {@link #submit} throws {@link WalFailedException}. Nothing is ever
 * reported durable unless the fsync after it returned, and no failed fsync is retried (PostgreSQL's "fsyncgate":
 * after a failed fsync the kernel may have dropped the dirty pages, so a retry that succeeds proves nothing). Every
 * I/O failure names the file and the operation ({@link WalIoException}).
 *
 * <p>A writer may instead {@link #hold} batches and {@link #commitHeld} them at the end of its turn: when the WAL
 * thread has nothing queued or in hand, the writer commits them itself, sparing the two thread hand-offs (wake the
 * WAL thread, wake the writer with the completion) that an unbatched write otherwise pays on each node (issue 19).
 * The WAL thread and the writer never touch the files at once: the writer commits only when every task it queued
 * has finished ({@code unfinishedTasks}), and queues nothing while it commits.
 */
public final class Wal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Wal.class.getName());

    private sealed interface Task permits Append, InstallStaged, Compact, Stop {
    }

    private record Append(WalBatch batch, WalCallback callback) implements Task {
    }

    private record InstallStaged(StagedSnapshot staged, WalCallback callback) implements Task {
    }

    private record Compact(long upToIndex) implements Task {
    }

    private enum Stop implements Task { INSTANCE }

    private final Path directory;
    private final FileChannelFactory channelFactory;
    private final Fsync fsync;
    private final RecoveredState recoveredState;
    private final SegmentedLog log;
    private final StatsRecorder stats;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    /** Tasks queued for the WAL thread and not yet written, forced and called back: 0 means it is idle. */
    private final AtomicInteger unfinishedTasks = new AtomicInteger();
    /** Batches {@link #hold held} on the writer's side, in order, until {@link #commitHeld}. Writer thread. */
    private final List<Task> held = new ArrayList<>();
    private final int queueCapacity;
    /** Set by {@link #whenQueueHasRoom}; run once, by whichever thread first sees the queue at half capacity. */
    private final AtomicReference<Runnable> roomWaiter = new AtomicReference<>();
    private final LongConsumer commitNanosObserver;
    private final Thread walThread;
    private volatile IOException failure;
    private boolean closed;

    // Submitter-side view of the log (the writer thread only), so index misuse throws at the call site.
    // submittedLastIndex is an upper bound: after a snapshot the WAL thread alone knows whether the log was kept.
    private long submittedLastIndex;
    private long submittedSnapshotIndex;
    /** The term of the last hard state submitted: no entry or snapshot may carry a higher one (see checkTerms). */
    private long submittedTerm;

    private Wal(Path directory, Fsync fsync, RecoveredState recoveredState, SegmentedLog log, StatsRecorder stats,
            WalOptions options) {
        this.directory = directory;
        this.channelFactory = options.channelFactory();
        this.fsync = fsync;
        this.recoveredState = recoveredState;
        this.log = log;
        this.stats = stats;
        this.queueCapacity = options.queueCapacityBatches();
        this.commitNanosObserver = options.commitNanosObserver();
        this.submittedLastIndex = recoveredState.lastIndex();
        this.submittedSnapshotIndex = recoveredState.snapshot().lastIndex();
        this.submittedTerm = recoveredState.hardState().term();
        this.walThread = new Thread(this::runWalThread, "wal-" + directory.getFileName());
        this.walThread.setDaemon(true);
        // Every commit waits on this thread's wake-up; the JVM applies the priority only where it may
        // (-XX:ThreadPriorityPolicy=1 with the right to raise priorities), otherwise it is ignored.
        this.walThread.setPriority(Thread.MAX_PRIORITY);
    }

    /**
     * Recovers the directory (creating it if missing) and starts the WAL thread. With preallocated segments, when
     * the first append will need a new segment, that segment is prepared here (a segment's worth of zeros written
     * and forced: milliseconds to tens of milliseconds for the default 16 MiB), not on the first write's latency path.
     */
    public static Wal open(Path directory, WalOptions walOptions) throws IOException {
        WalOptions options = named(walOptions);
        StatsRecorder stats = new StatsRecorder();
        Fsync fsync = new Fsync(options.syncMode(), options.channelFactory(), stats);
        Recovery.Result recovered = new Recovery(directory, options.channelFactory(), fsync).recover();
        SegmentedLog log = new SegmentedLog(directory, options, fsync, stats, recovered.state(), recovered.segments(),
                recovered.hardStateFile());
        Wal wal = new Wal(directory, fsync, recovered.state(), log, stats, options);
        wal.walThread.start();
        return wal;
    }

    /**
     * Prepares an empty directory for a node whose storage was lost, so that it cannot vote twice in a term it may
     * have voted in before (docs/storage-recovery.md): its hard state starts at {@code hardState} (the highest term
     * the other members report, with a vote for itself, so it grants no vote in that term or any before) and
     * {@code voteFenceIndex} (the highest last index they report: it grants no vote until its log reaches it, so it
     * cannot help elect a leader that lacks an entry it had acknowledged). The log and snapshot start empty; the
     * leader sends them. {@link #open} then recovers the directory as usual.
     *
     * @throws IOException if the directory holds anything, or the write fails
     */
    public static void createRebuilt(Path directory, HardState hardState, long voteFenceIndex, WalOptions walOptions)
            throws IOException {
        WalOptions options = named(walOptions);
        if (voteFenceIndex < 0) throw new IllegalArgumentException("negative vote fence index " + voteFenceIndex);
        Files.createDirectories(directory);
        try (var files = Files.list(directory)) {
            if (files.findAny().isPresent()) {
                throw new IOException(directory + " is not empty: move the damaged data directory aside first");
            }
        }
        Fsync fsync = new Fsync(options.syncMode(), options.channelFactory(), new StatsRecorder());
        HardStateFile.create(options.channelFactory(), fsync, directory, hardState, voteFenceIndex);
        fsync.syncDirectory(directory);
    }

    /** Every file channel the WAL opens names its file and operation in its failures ({@link WalIoException}). */
    private static WalOptions named(WalOptions options) {
        return options.withChannelFactory(NamedFileChannel.around(options.channelFactory()));
    }

    /** What was on disk at {@link #open}. */
    public RecoveredState recoveredState() {
        return recoveredState;
    }

    /**
     * Queues {@code batch}; {@code callback} runs on the WAL thread once it is durable or has failed. Never blocks,
     * even when the queue is full: see {@link #queueFull()} for back-pressure.
     *
     * @throws IllegalArgumentException if the batch's indexes do not fit the log (a gap, a stale snapshot)
     * @throws WalFailedException if an earlier write or fsync failed
     * @throws IllegalStateException if the WAL is closed
     */
    public void submit(WalBatch batch, WalCallback callback) {
        enqueue(accepted(batch, callback));
    }

    /**
     * As {@link #submit}, but the batch waits on the writer's side until {@link #commitHeld} (which the writer must
     * call, typically once at the end of its turn): batches held together are written and forced together.
     */
    public void hold(WalBatch batch, WalCallback callback) {
        held.add(accepted(batch, callback));
    }

    /**
     * Makes the {@link #hold held} batches durable: on this thread, before returning (their callbacks included), when
     * the WAL thread has nothing queued or in hand; otherwise they are queued behind its work, as {@link #submit} would.
     * Committing here blocks the writer for a write and an fsync, and spares two thread hand-offs.
     *
     * @return whether they were committed on this thread (false: queued, or nothing was held)
     */
    public boolean commitHeld() {
        if (held.isEmpty()) return false;
        if (unfinishedTasks.get() > 0) {
            queueHeld();
            return false;
        }
        List<Task> group = new ArrayList<>(held);
        held.clear();
        processGroup(group);
        return true;
    }

    /** Checks {@code batch} against what was submitted before and records it as submitted. */
    private Append accepted(WalBatch batch, WalCallback callback) {
        if (batch == null || callback == null) throw new IllegalArgumentException("null batch or callback");
        checkOpen();
        checkIndexes(batch);
        checkTerms(batch);
        if (batch.hardState() != null) submittedTerm = batch.hardState().term();
        if (batch.snapshot() != null) {
            submittedSnapshotIndex = batch.snapshot().lastIndex();
            submittedLastIndex = Math.max(submittedLastIndex, submittedSnapshotIndex);
        }
        List<Entry> entries = batch.entries();
        if (!entries.isEmpty() && entries.get(entries.size() - 1).index() > submittedSnapshotIndex) {
            submittedLastIndex = entries.get(entries.size() - 1).index();
        }
        return new Append(batch, callback);
    }

    /** Submits {@code batch} and waits until it is durable; for tests and tools, not the core's thread. */
    public void submitAndWait(WalBatch batch) throws IOException {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        submit(batch, new WalCallback() {
            @Override
            public void onDurable() {
                durable.complete(null);
            }

            @Override
            public void onFailure(IOException cause) {
                durable.completeExceptionally(cause);
            }
        });
        try {
            durable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the WAL");
        } catch (ExecutionException e) {
            throw new IOException("WAL write failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Writes a snapshot whose last entry is {@code lastIndex}@{@code lastTerm} to a staged file, streaming
     * {@code content} into it, and forces it, on the calling thread: meant for a background thread, so that neither the
     * core's thread nor the WAL thread (and the entries queued on it) waits for a write of the whole state, and with
     * bounded memory whatever its size. Safe from any thread; touches nothing the WAL thread uses. The snapshot becomes
     * the current one only through {@link #installStagedSnapshot}; until then a crash leaves the previous one.
     *
     * @throws IOException if the write or the force failed (the staged file may be left; recovery deletes it)
     * @throws WalFailedException if an earlier write or fsync failed
     */
    public StagedSnapshot stageSnapshot(long lastIndex, long lastTerm, SnapshotContent.Writer content) throws IOException {
        if (lastIndex <= 0 || lastTerm <= 0) {
            throw new IllegalArgumentException("no snapshot to stage at " + lastIndex + "@" + lastTerm);
        }
        IOException cause = failure;
        if (cause != null) throw new WalFailedException(cause);
        Path file = directory.resolve(WalFiles.stagedSnapshotName(lastIndex));
        long sizeBytes = SnapshotFile.writeDurably(channelFactory, fsync, file, lastIndex, lastTerm, content);
        return new StagedSnapshot(lastIndex, lastTerm, sizeBytes, file);
    }

    /**
     * Starts receiving {@code snapshot} from the leader: a temp file of {@code sizeBytes} (a snapshot file's bytes) that
     * the returned object writes chunk by chunk and checks whole before it may be installed (in a {@link WalBatch}).
     * Any earlier file for the same snapshot is truncated. Safe from any thread.
     */
    public IncomingSnapshot receiveSnapshot(Snapshot snapshot, long sizeBytes) throws IOException {
        if (snapshot.isEmpty() || sizeBytes < SnapshotFile.HEADER_BYTES + SnapshotFile.TRAILER_BYTES) {
            throw new IllegalArgumentException("no snapshot to receive: " + snapshot + " of " + sizeBytes + " bytes");
        }
        IOException cause = failure;
        if (cause != null) throw new WalFailedException(cause);
        return new IncomingSnapshot(channelFactory, fsync, directory.resolve(WalFiles.receivedSnapshotName(snapshot.lastIndex())),
                snapshot, sizeBytes);
    }

    /**
     * Opens the current snapshot's file (the one recovered, or installed since) for reading. Call it before anything
     * could replace that snapshot (on the writer's thread); once open, it stays readable until closed.
     */
    public SnapshotFileReader openSnapshot(Snapshot snapshot) throws IOException {
        SnapshotFileReader reader = SnapshotFileReader.open(channelFactory,
                directory.resolve(WalFiles.snapshotName(snapshot.lastIndex())));
        return checkedPosition(reader, snapshot);
    }

    /**
     * Opens a staged or received snapshot for reading, before it is installed (its rename does not disturb an open
     * reader): so the writer's thread can hold the file of the snapshot it is about to make current.
     */
    public SnapshotFileReader openStaged(StagedSnapshot staged) throws IOException {
        return checkedPosition(SnapshotFileReader.open(channelFactory, staged.file),
                new Snapshot(staged.lastIndex(), staged.lastTerm()));
    }

    private static SnapshotFileReader checkedPosition(SnapshotFileReader reader, Snapshot expected)
            throws WalCorruptionException {
        if (!reader.snapshot().equals(expected)) {
            reader.close();
            throw new WalCorruptionException(reader.file(), 1, "holds " + reader.snapshot() + ", not " + expected);
        }
        return reader;
    }

    /**
     * Queues making {@code staged} the current snapshot, in order after everything submitted before: a rename
     * and a directory fsync on the WAL thread, then, as for a snapshot in a {@link WalBatch}, older snapshots
     * are deleted and the log is kept if it holds the snapshot's last entry with the same term (§7).
     * {@code callback} runs once the rename is durable. Then {@link #compact} may drop the log it covers.
     *
     * @throws IllegalArgumentException if a snapshot at or after it was already submitted
     * @throws WalFailedException if an earlier write or fsync failed
     */
    public void installStagedSnapshot(StagedSnapshot staged, WalCallback callback) {
        if (staged == null || callback == null) throw new IllegalArgumentException("null staged snapshot or callback");
        checkOpen();
        if (staged.lastIndex() <= submittedSnapshotIndex) {
            throw new IllegalArgumentException("staged snapshot at " + staged.lastIndex()
                    + " is not newer than the one at " + submittedSnapshotIndex);
        }
        if (staged.lastTerm() > submittedTerm) {
            throw new IllegalArgumentException("staged snapshot of term " + staged.lastTerm() + " above the hard state's term "
                    + submittedTerm);
        }
        enqueue(new InstallStaged(staged, callback));
        submittedSnapshotIndex = staged.lastIndex();
        submittedLastIndex = Math.max(submittedLastIndex, submittedSnapshotIndex);
    }

    /** Deletes a staged snapshot that will not be installed (a newer one came from the leader); from any thread. */
    public void discardStagedSnapshot(StagedSnapshot staged) {
        try {
            Files.deleteIfExists(staged.file);
        } catch (IOException e) {
            // Harmless if it stays: it is a temp file, and recovery deletes those.
            LOG.log(Level.WARNING, "WAL: could not delete " + staged.file, e);
        }
    }

    /**
     * Deletes segments whose entries are all at or below {@code upToIndex}, after everything submitted before.
     * Call only once a snapshot covering {@code upToIndex} was submitted.
     */
    public void compact(long upToIndex) {
        checkOpen();
        if (upToIndex > submittedSnapshotIndex) {
            throw new IllegalArgumentException("compact to " + upToIndex + " beyond the snapshot at "
                    + submittedSnapshotIndex);
        }
        enqueue(new Compact(upToIndex));
    }

    public WalStats stats() {
        return stats.snapshot();
    }

    /**
     * Whether {@link WalOptions#queueCapacityBatches()} or more tasks wait for the WAL thread: the disk is the
     * bottleneck, and the writer should stop taking new work until {@link #whenQueueHasRoom} calls back.
     */
    public boolean queueFull() {
        return queue.size() >= queueCapacity;
    }

    /**
     * Runs {@code action} once, as soon as at most half the capacity waits: at once on this thread if that is so
     * already, else on the WAL thread after the group that brought the queue down (so it must be quick and not
     * block; typically it posts a task to the writer's thread). A later call replaces an action not yet run.
     */
    public void whenQueueHasRoom(Runnable action) {
        if (action == null) throw new IllegalArgumentException("null action");
        roomWaiter.set(action);
        // The WAL thread may have looked before the set and be waiting on an empty queue: look again.
        runRoomWaiterIfRoom();
    }

    private void runRoomWaiterIfRoom() {
        Runnable waiter = roomWaiter.get();
        if (waiter != null && queue.size() <= queueCapacity / 2 && roomWaiter.compareAndSet(waiter, null)) {
            try {
                waiter.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "WAL: a queue-room action threw", e);
            }
        }
    }

    /** Finishes everything submitted (callbacks included), then stops the WAL thread and closes the files. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        boolean interrupted = false;
        queueHeld();
        unfinishedTasks.incrementAndGet();
        while (true) {
            try {
                queue.put(Stop.INSTANCE);
                walThread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // finish closing anyway: the thread must not be left running
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("WAL is closed");
        IOException cause = failure;
        if (cause != null) throw new WalFailedException(cause);
    }

    private void checkIndexes(WalBatch batch) {
        if (batch.snapshot() != null && batch.snapshot().lastIndex() <= submittedSnapshotIndex) {
            throw new IllegalArgumentException("snapshot at " + batch.snapshot().lastIndex()
                    + " is not newer than the one at " + submittedSnapshotIndex);
        }
        long snapshotIndex = batch.snapshot() != null ? batch.snapshot().lastIndex() : submittedSnapshotIndex;
        long lastIndex = Math.max(submittedLastIndex, snapshotIndex);
        for (Entry entry : batch.entries()) {
            if (entry.data().length > RecordFormat.MAX_ENTRY_DATA_BYTES) {
                throw new IllegalArgumentException(entry + " exceeds " + RecordFormat.MAX_ENTRY_DATA_BYTES + " bytes");
            }
        }
        List<Entry> kept = batch.entries().stream().filter(entry -> entry.index() > snapshotIndex).toList();
        if (!kept.isEmpty() && kept.get(0).index() > lastIndex + 1) {
            throw new IllegalArgumentException("entries start at " + kept.get(0).index() + " but the log ends at "
                    + lastIndex + ": a gap");
        }
    }

    /**
     * Raft's currentTerm is never below a term in its log, and the term never goes back; the WAL holds the caller to
     * both, because recovery takes a log term above the hard state's as proof that the hard state was rolled back
     * ({@link HardStateCopies}).
     */
    private void checkTerms(WalBatch batch) {
        long term = batch.hardState() != null ? batch.hardState().term() : submittedTerm;
        if (term < submittedTerm) {
            throw new IllegalArgumentException("hard state term " + term + " is below the term " + submittedTerm
                    + " already submitted: terms never go back");
        }
        long highest = batch.snapshot() != null ? batch.snapshot().lastTerm() : 0;
        for (Entry entry : batch.entries()) highest = Math.max(highest, entry.term());
        if (highest > term) {
            throw new IllegalArgumentException("batch holds term " + highest + " but the hard state's term is " + term
                    + ": a term is persisted with or before the entries of it");
        }
    }

    /** Behind anything held, which keeps the writer's order. */
    private void enqueue(Task task) {
        queueHeld();
        unfinishedTasks.incrementAndGet();
        queue.add(task); // unbounded: never blocks the writer (see queueFull)
    }

    /** Tasks queued for the WAL thread and not yet finished (callbacks included); 0 when it is idle. For tests. */
    int unfinishedTasks() {
        return unfinishedTasks.get();
    }

    /** Queues the {@link #hold held} batches for the WAL thread, as {@link #submit} would have. */
    public void queueHeld() {
        if (held.isEmpty()) return;
        unfinishedTasks.addAndGet(held.size());
        queue.addAll(held);
        held.clear();
    }

    private void runWalThread() {
        List<Task> group = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            group.clear();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                // Nobody interrupts this thread but close() would wait forever on it; keep serving.
                continue;
            }
            queue.drainTo(group);
            stopping = processGroup(group);
            unfinishedTasks.addAndGet(-group.size()); // after the callbacks: the writer may commit next
            runRoomWaiterIfRoom();
        }
        try {
            log.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "WAL: closing the active segment failed", e);
        }
    }

    /**
     * Writes and commits one group, then completes its callbacks in order. True when told to stop. On the WAL thread,
     * or on the writer's ({@link #commitHeld}) while the WAL thread is idle.
     */
    private boolean processGroup(List<Task> group) {
        boolean stopping = false;
        boolean appended = false;
        List<WalCallback> callbacks = new ArrayList<>(group.size());
        for (Task task : group) {
            if (task instanceof Append append) {
                callbacks.add(append.callback());
                appended = true;
            }
            if (task instanceof InstallStaged install) callbacks.add(install.callback());
            if (task == Stop.INSTANCE) stopping = true;
        }
        long commitNanos = -1;
        if (failure == null) {
            try {
                long startNanos = System.nanoTime();
                for (Task task : group) {
                    if (task instanceof Append append) {
                        log.apply(append.batch());
                    } else if (task instanceof InstallStaged install) {
                        log.installStagedSnapshot(install.staged());
                    } else if (task instanceof Compact compact) {
                        log.compact(compact.upToIndex());
                    }
                }
                log.commit();
                stats.recordGroupCommit(callbacks.size());
                commitNanos = System.nanoTime() - startNanos;
            } catch (IOException e) {
                fail(e);
            } catch (RuntimeException | Error e) {
                // A broken invariant on this thread: the files may be half-updated, so nothing more is safe.
                fail(new IOException("WAL invariant broken: " + e, e));
            }
        }
        IOException cause = failure;
        for (WalCallback callback : callbacks) {
            try {
                if (cause == null) callback.onDurable();
                else callback.onFailure(cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "WAL: a completion callback threw", e);
            }
        }
        // After the callbacks, which the writes wait on; only groups that appended (not a lone compaction).
        if (commitNanos >= 0 && appended) {
            try {
                commitNanosObserver.accept(commitNanos);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "WAL: the commit time observer threw", e); // a diagnostic, not the log's state
            }
        }
        return stopping;
    }

    /**
     * Logged at DEBUG only: the node stops on it with one line naming the file and operation (the cause's message,
     * {@link WalIoException}); a stack trace of the WAL thread would add nothing an operator needs.
     */
    private void fail(IOException cause) {
        LOG.log(Level.DEBUG, "WAL: failed, accepting no more writes", cause);
        failure = cause;
    }
}
