package io.kvbench.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.driver.DeadlineTicks;
import io.kvbench.driver.DriverObserver;
import io.kvbench.driver.ReplicaDriver;
import io.kvbench.driver.TimeSource;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ClientServer;
import io.kvbench.net.ClientServerConfig;
import io.kvbench.net.ErrorCode;
import io.kvbench.net.NettyResources;
import io.kvbench.net.PeerConnectionListener;
import io.kvbench.net.PeerConnections;
import io.kvbench.net.PeerConnectionsConfig;
import io.kvbench.net.PeerServer;
import io.kvbench.net.PeerServerConfig;
import io.kvbench.net.RequestKind;
import io.kvbench.raft.Message;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Role;
import io.kvbench.wal.RecoveredState;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalOptions;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * One node: the {@link ReplicaDriver} (core, state machine, pending requests) bound to the WAL and Netty. A single
 * thread runs the driver, with no locks (MicroRaft's {@code RaftNodeExecutor}): that thread is the node's one Netty
 * event loop, so a decoded message is stepped and its replies written without changing threads; the WAL thread
 * makes batches durable and enqueues completions. Ticks, the inbox, status and lifecycle live here; the order in
 * which each Ready is handled lives in the driver, which the simulator runs too.
 */
public final class NodeRuntime implements AutoCloseable {
    /** Beyond this many queued tasks, peer messages are dropped (Raft tolerates loss) and clients told OVERLOADED. */
    private static final int MAX_INBOX_TASKS = 200_000;
    /** Bounds how long replies and fsync hand-offs wait behind a burst of incoming tasks. */
    private static final int MAX_TASKS_PER_DRAIN = 256;
    /**
     * The published status is rebuilt every this many ticks, not every tick: rebuilding it each millisecond was
     * most of an idle node's allocation (about 1 MB/s, a young collection every few seconds).
     */
    private static final int STATUS_REFRESH_TICKS = 10;

    private final NodeConfig config;
    private final NodeMeasurements measurements = new NodeMeasurements();
    /** Tells this run of the node from an earlier one: cumulative counters (the histograms) began again at zero. */
    private final long startedWallMillis = System.currentTimeMillis();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final EventLog eventLog;
    private final Wal wal;
    private final BackgroundSnapshots snapshots;
    private final WalStorage storage;
    private final ReplicaDriver driver;
    private final NettyResources netty;
    private final PeerServer peerServer;
    private final PeerConnections peerConnections;
    private final ClientServer clientServer;
    /**
     * The core thread is the node's one Netty event loop: peer messages and client requests are stepped on the
     * thread that decoded them and replies are written inline, with no hand-off between threads (each costs a
     * wake-up, tens of microseconds on a busy 2-core machine). Only the WAL's fsync runs on a thread of its own.
     */
    private final EventLoop coreLoop;
    private final Runnable drainTask = this::drainInbox;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Drains scheduled from another thread (the WAL's, snapshot I/O): each may wake the event loop. */
    private final LongAdder crossThreadWakeups = new LongAdder();
    private final long tickNanos;
    private long nextTickNanos;
    private ScheduledFuture<?> tickTimer;
    /** {@code --tick-timer next-deadline}: the timer fires when the driver next acts, not every tick (issue 19). */
    private final boolean timerAtNextDeadline;
    /** Next-deadline timer: the ticks counted (null with a timer every tick), and when the timer fires (core thread). */
    private final DeadlineTicks deadlineTicks;
    private long timerDueNanos = Long.MAX_VALUE;

    // Owned by the core thread.
    private final HashSet<Integer> connectedPeers = new HashSet<>();
    private boolean clientReadsPaused;
    private int ticksSinceStatusRefresh;
    /** Next-deadline timer: when the status was last rebuilt, and whether a rebuild after a role change is queued. */
    private long statusRefreshedNanos;
    private boolean statusRefreshQueued;
    private volatile boolean running = true;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile StatusSnapshot lastStatus;
    /** Completed, with the line the node stops with, once it stopped acting after its storage failed. */
    private final CompletableFuture<String> storageFailure = new CompletableFuture<>();

    public static NodeRuntime start(NodeConfig config) throws IOException {
        return new NodeRuntime(config, null, UnaryOperator.identity());
    }

    /**
     * For tests: {@code snapshotExecutor} runs snapshot jobs off the core thread (null: the node's own thread);
     * {@code walOptions} adjusts the WAL's options (a small queue, a commit observer that holds the WAL thread).
     */
    static NodeRuntime start(NodeConfig config, Executor snapshotExecutor, UnaryOperator<WalOptions> walOptions)
            throws IOException {
        return new NodeRuntime(config, snapshotExecutor, walOptions);
    }

    private NodeRuntime(NodeConfig config, Executor snapshotExecutor, UnaryOperator<WalOptions> walOptions)
            throws IOException {
        this.config = config;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(config.tickMillis());
        this.timerAtNextDeadline = config.tickTimerAtNextDeadline();
        // Before the ports open: a message may be drained before the timer's first task runs.
        this.deadlineTicks = timerAtNextDeadline ? new DeadlineTicks(tickNanos, System.nanoTime()) : null;
        this.eventLog = new EventLog(config.eventLogFile(), config.nodeId());
        this.wal = Wal.open(config.dataDirectory(), walOptions.apply(WalOptions.defaults()
                .withSyncMode(config.syncMode()).withCommitNanosObserver(measurements.walCommitObserver())));
        RecoveredState recovered = wal.recoveredState();
        this.snapshots = new BackgroundSnapshots(config.nodeId(), wal, snapshotExecutor, this::enqueue);
        this.storage = new WalStorage(config.nodeId(), wal, snapshots, this::enqueue, this::pauseClientReads,
                config.walCommitOnLoopWhenIdle() ? this::executeAfterTurn : null, new WalStorage.LoopCommits() {
                    @Override
                    public boolean allowed() {
                        return loopMayCommit();
                    }

                    @Override
                    public void took(long nanos) {
                        loopCommitTook(nanos);
                    }
                });
        RaftCore core = new RaftCore(config.raftConfig(), new Random(new SecureRandom().nextLong()),
                recovered.hardState(), recovered.snapshot(), recovered.entries(), recovered.voteFenceIndex());
        this.driver = new ReplicaDriver(config.driverConfig(), core, initialStateMachine(config, storage), storage,
                this::sendToPeer, TimeSource.SYSTEM, DriverObserver.all(
                        new NodeEvents(config.nodeId(), eventLog, this::failStop), measurements));
        storage.bind(driver);
        NodeTuning.Warmup warmup = NodeTuning.warmUpBeforeServing(config);
        ObjectNode started = eventLog.event("started");
        started.put("warmup_us", warmup.warmupMicros());
        started.put("compile_wait_us", warmup.compileWaitMicros());
        started.put("term", recovered.hardState().term());
        started.put("last_index", recovered.lastIndex());
        started.put("snapshot_index", recovered.snapshot().lastIndex());
        started.put("vote_fence_index", recovered.voteFenceIndex());
        started.put("fsync", config.syncMode().name().toLowerCase());
        eventLog.write(started);
        refreshStatus();

        this.netty = new NettyResources("kvnode-" + config.nodeId(), 1, true, NodeTuning.CORE_THREAD_PRIORITY);
        this.coreLoop = netty.group().next();
        var peerIds = new HashSet<>(config.voterIds());
        peerIds.remove(config.nodeId());
        this.peerServer = new PeerServer(netty, PeerServerConfig.of(config.clusterId(), config.nodeId(), peerIds,
                config.inboundLimits()), this::onPeerMessage,
                peerId -> enqueue(() -> onInboundClosedOnCore(peerId)), this::onInboundOpened);
        var outbound = new TreeMap<>(config.peerAddresses());
        outbound.remove(config.nodeId());
        this.peerConnections = new PeerConnections(netty,
                PeerConnectionsConfig.of(config.clusterId(), config.nodeId(), outbound).withBackoffMillis(20, 500),
                new PeerConnectionListener() {
                    @Override
                    public void onPeerConnected(int peerNodeId) {
                        enqueue(() -> connectedPeers.add(peerNodeId));
                    }

                    @Override
                    public void onPeerDisconnected(int peerNodeId) {
                        enqueue(() -> connectedPeers.remove(peerNodeId));
                    }
                });
        this.clientServer = new ClientServer(netty, ClientServerConfig.of(config.inboundLimits().client()),
                this::onClientRequest);
        peerServer.start(config.peerAddress());
        peerConnections.start();
        clientServer.start(config.clientAddress());
        coreLoop.execute(() -> {
            nextTickNanos = System.nanoTime();
            if (timerAtNextDeadline) scheduleDeadline();
            else onTick();
        });
    }

    /** The recovered snapshot's state (streamed from its file), or an empty state machine. */
    private static KvStateMachine initialStateMachine(NodeConfig config, WalStorage storage) throws IOException {
        KvStateMachine recovered = storage.loadRecoveredSnapshot();
        if (recovered != null) return recovered;
        return config.auditWrites()
                ? KvStateMachine.withWriteAudit(config.maxSessions(), config.sessionTimeoutMillis(), 1024)
                : new KvStateMachine(config.maxSessions(), config.sessionTimeoutMillis(), 1024);
    }

    // ---------------------------------------------------------------- hand-offs into the core thread

    /**
     * Queues a task for the core thread (the node's event loop). From the event loop itself (a peer message or
     * client request just decoded) this costs no wake-up, and the drain runs after the rest of this read round,
     * so messages that arrived together are stepped together and leave in one Ready.
     */
    private void enqueue(Runnable task) {
        inboxSize.incrementAndGet();
        inbox.add(task);
        if (!drainScheduled.getAndSet(true)) {
            if (!coreLoop.inEventLoop()) crossThreadWakeups.increment();
            try {
                coreLoop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down with the node: nothing more runs on it.
            }
        }
    }

    /**
     * Queues {@code task} on the event loop behind the work already queued (the turn's flushes among it), not in the
     * inbox, which the current drain would run at once.
     */
    private void executeAfterTurn(Runnable task) {
        coreLoop.execute(task);
    }

    /**
     * {@code --wal-commit event-loop-when-idle}: whether this turn's fsync may block the event loop. A follower's
     * acknowledgement waits on it and it serves no clients, so it has nothing to do meanwhile; nor has a leader with one
     * client request or none unanswered. A leader with more would, for as long as the fsync runs, stop proposing new
     * writes, counting acknowledgements (two followers commit without its own copy) and answering: with leaders
     * committing on the loop too, 16 clients closed loop lost 21 % of their throughput (issue 19's A/B).
     */
    private boolean loopMayCommit() {
        return driver.core().role() != Role.LEADER || driver.pendingClientRequests() <= 1;
    }

    /**
     * A follower's election timer leaves out the time its loop spent in its own fsync (a disk stall of a few hundred
     * milliseconds, seen here on all three nodes at once, would otherwise have it stand for election before reading the
     * heartbeats that arrived meanwhile). With a timer every tick, a stall already counts as one tick.
     */
    private void loopCommitTook(long nanos) {
        if (deadlineTicks != null && driver.core().role() == Role.FOLLOWER) deadlineTicks.discount(nanos);
    }

    private void onPeerMessage(Message message) {
        if (inboxSize.get() > MAX_INBOX_TASKS) return; // overloaded: drop, the sender retransmits
        enqueue(() -> driver.receive(message));
    }

    private void sendToPeer(Message message) {
        peerConnections.send(message);
    }

    private void onClientRequest(ClientRequest request, ClientReplyChannel channel) {
        if (request.kind() == RequestKind.STATUS) {
            // Requests arrive on the core's event loop (one thread per node), so the status is current.
            if (coreLoop.inEventLoop()) guarded(this::refreshStatus);
            String json = request.wantsLatencyHistograms() ? lastStatus.toJson(measurements.latencies()) : lastStatus.toJson();
            channel.reply(new ClientResponse.Status(request.requestId(), json));
            return;
        }
        if (inboxSize.get() > MAX_INBOX_TASKS) {
            channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.OVERLOADED, "node inbox full"));
            return;
        }
        long arrivedNanos = System.nanoTime(); // just decoded on this loop: the start of leaderWriteMicros
        enqueue(() -> driver.clientRequest(request, channel, arrivedNanos));
    }

    /** A peer connected to us: it is up, so our connection to it need not wait out its reconnect backoff. */
    private void onInboundOpened(int peerId) {
        PeerConnections connections = peerConnections;
        if (connections != null) connections.peerIsUp(peerId);
    }

    /**
     * The fast-failover hint. It comes from the connection the peer sends on, not the one we send on: that
     * close is seen only after every message the peer sent was delivered, so a dead leader's last heartbeat
     * cannot arrive after the hint and put this follower back in lease for a whole election timeout.
     */
    private void onInboundClosedOnCore(int peerId) {
        ObjectNode event = eventLog.event("peer_closed");
        event.put("peer", peerId);
        event.put("leader", driver.core().leaderId());
        eventLog.write(event);
        driver.peerDisconnected(peerId);
    }

    /**
     * Back-pressure from the disk: the WAL's queue is full, so stop reading client sockets (their requests wait in
     * the kernel, then in the clients) until it has drained to half; peers are still read, ticks still run. Core
     * thread.
     */
    private void pauseClientReads() {
        if (clientReadsPaused) return;
        clientReadsPaused = true;
        clientServer.pauseReading();
        eventLog.write(eventLog.event("client_reads_paused"));
        wal.whenQueueHasRoom(() -> enqueue(this::resumeClientReads));
    }

    private void resumeClientReads() {
        if (!clientReadsPaused) return;
        clientReadsPaused = false;
        clientServer.resumeReading();
        eventLog.write(eventLog.event("client_reads_resumed"));
    }

    // ---------------------------------------------------------------- the core loop

    /**
     * Runs a batch of queued tasks, then drains the driver once: proposals and reads that arrived together leave
     * in one append per follower and one heartbeat round (the core batches per Ready).
     */
    private void drainInbox() {
        if (!running) return;
        drainScheduled.set(false);
        guarded(() -> {
            if (timerAtNextDeadline) countTicksDue(); // before the inputs: the lease is judged by the ticks counted
            Runnable task;
            int ran = 0;
            while (ran < MAX_TASKS_PER_DRAIN && (task = inbox.poll()) != null) {
                inboxSize.decrementAndGet();
                task.run();
                ran++;
            }
            if (ran > 0) driver.drain();
            if (timerAtNextDeadline) afterInputs();
        });
        // More than one batch queued: let the event loop read sockets in between, then continue.
        if (!inbox.isEmpty() && !drainScheduled.getAndSet(true)) coreLoop.execute(drainTask);
    }

    /**
     * One logical clock tick, rescheduled from its own run rather than at a fixed rate: after a long stall
     * (GC, SIGSTOP) it counts one tick, not hundreds, so a resumed node does not time out at once.
     */
    private void onTick() {
        if (!running) return;
        guarded(() -> {
            driver.tick();
            // For readers on other threads (tests, shutdown); a status request on this thread refreshes it first.
            if (++ticksSinceStatusRefresh >= STATUS_REFRESH_TICKS) refreshStatus();
        });
        long now = System.nanoTime();
        nextTickNanos = Math.max(nextTickNanos + tickNanos, now);
        tickTimer = coreLoop.schedule(this::onTick, nextTickNanos - now, TimeUnit.NANOSECONDS);
    }

    /**
     * The next-deadline timer fired ({@code --tick-timer next-deadline}): count the ticks due, refresh the status, sleep
     * until the driver's next action. An idle follower wakes once per election timeout or heartbeat received instead of
     * every tick; a leader once per heartbeat interval.
     */
    private void onDeadline() {
        if (!running) return;
        tickTimer = null;
        timerDueNanos = Long.MAX_VALUE;
        guarded(() -> {
            countTicksDue();
            if (System.nanoTime() - statusRefreshedNanos >= STATUS_REFRESH_TICKS * tickNanos) refreshStatus();
        });
        scheduleDeadline();
    }

    private void countTicksDue() {
        deadlineTicks.countTicksDue(driver, System.nanoTime());
    }

    /**
     * After inputs (next-deadline timer): an input can bring the next action closer (a new role, a lost leader's hint, a
     * parked request): fire sooner then. Readers on other threads see a role, term or leader change within {@link
     * #STATUS_REFRESH_TICKS} ticks, as with the fixed tick, from a refresh queued behind the election's own work: rebuilt
     * here, at once, the status cost the first follower to see a dead leader's close 0.3-4 ms before it could stand
     * (measured in a leader-kill campaign, issue 19), and made failover with this timer slower than with the fixed one.
     */
    private void afterInputs() {
        StatusSnapshot status = lastStatus;
        RaftCore core = driver.core();
        if (!statusRefreshQueued && (status == null || status.term() != core.term()
                || !status.role().equals(core.role().name()) || status.leaderId() != core.leaderId())) {
            statusRefreshQueued = true;
            coreLoop.schedule(this::refreshQueuedStatus, STATUS_REFRESH_TICKS * tickNanos, TimeUnit.NANOSECONDS);
        }
        scheduleDeadline();
    }

    private void refreshQueuedStatus() {
        statusRefreshQueued = false;
        if (running) guarded(this::refreshStatus);
    }

    /** Sets the timer for the driver's next action, unless it already fires by then (firing early costs a recount). */
    private void scheduleDeadline() {
        if (!running) return;
        long dueNanos = deadlineTicks.nextActionNanos(driver);
        if (tickTimer != null && timerDueNanos <= dueNanos) return;
        if (tickTimer != null) tickTimer.cancel(false);
        timerDueNanos = dueNanos;
        tickTimer = coreLoop.schedule(this::onDeadline, Math.max(0, dueNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** A broken invariant in the core: stop the process rather than continue with unknown state. */
    private void guarded(Runnable work) {
        try {
            work.run();
        } catch (Throwable t) {
            System.err.println("kvnode " + config.nodeId() + ": core failed: " + t);
            t.printStackTrace();
            ObjectNode event = eventLog.event("crashed");
            event.put("error", String.valueOf(t));
            eventLog.write(event);
            eventLog.close(); // halt runs no shutdown hooks: write the queued events and log lines now
            BackgroundLogHandler.closeInstalled();
            Runtime.getRuntime().halt(70);
        }
    }

    /**
     * Fail-stop (etcd panics on a failed fsync; PostgreSQL's fsync-retry bug, "fsyncgate", is why nothing is
     * retried): the storage failed, so nothing more can be made durable and a retried fsync that succeeds would prove
     * nothing. The driver has answered every pending client STORAGE_FAILED and stepped nothing since; this stops the
     * ticks at once, so the node never again acts as leader, says so in one line naming the file and the operation,
     * and closes everything off this thread (closing waits on the event loop). {@code kvnode run} then exits 1.
     * The node may start again on its data directory once the disk is repaired: what it made durable is intact.
     * Core thread.
     */
    private void failStop(IOException cause) {
        running = false;
        if (tickTimer != null) tickTimer.cancel(false);
        refreshStatus();
        String line = "kvnode " + config.nodeId() + ": storage failed, stopping: " + cause.getMessage();
        System.err.println(line);
        System.err.flush();
        storageFailure.complete(line);
        new Thread(this::close, "kvnode-" + config.nodeId() + "-fail-stop").start();
    }

    private void refreshStatus() {
        ticksSinceStatusRefresh = 0;
        statusRefreshedNanos = System.nanoTime();
        lastStatus = StatusSnapshot.of(config, driver, connectedPeers.size(), wal.stats(), startedWallMillis,
                clientServer == null ? null : clientServer.inboundStats(), peerServer == null ? null : peerServer.inboundStats(),
                writePath());
    }

    /** The write path's switches and hand-off counters (null parts before the ports are open). */
    private StatusSnapshot.WritePath writePath() {
        return new StatusSnapshot.WritePath(config.tickMillis(), timerAtNextDeadline ? "next-deadline" : "every-tick",
                config.appendAcksPerTurn() ? "per-turn" : "per-append",
                config.walCommitOnLoopWhenIdle() ? "event-loop-when-idle" : "wal-thread",
                peerConnections == null ? 0 : peerConnections.sentMessageCount(),
                peerConnections == null ? 0 : peerConnections.socketFlushCount(),
                clientServer == null ? 0 : clientServer.socketFlushCount(), storage.completionTasks(),
                crossThreadWakeups.sum(), storage.loopCommits());
    }

    // ---------------------------------------------------------------- lifecycle

    public InetSocketAddress clientAddress() {
        return clientServer.localAddress();
    }

    public StatusSnapshot status() {
        return lastStatus;
    }

    /**
     * Completes, with the one line the node printed, once the node has stopped acting because its storage failed (a
     * write or fsync of the WAL, or a snapshot's): no more ticks, no message stepped, its status role FAILED. Its ports
     * close right after, on another thread. Dependent actions that do not say otherwise run on the core thread before
     * that. Never completes otherwise.
     */
    public CompletableFuture<String> whenStorageFailed() {
        return storageFailure;
    }

    /** For the test that the simulator drives the same class. */
    ReplicaDriver driver() {
        return driver;
    }

    /**
     * Graceful shutdown: a leader first hands leadership to its most up-to-date follower (dissertation
     * §3.10), so clients see a short transfer instead of a full election timeout. Then everything stops.
     */
    public void shutdownGracefully(Duration transferTimeout) {
        enqueue(driver::beginShutdown);
        long deadline = System.nanoTime() + transferTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            StatusSnapshot status = lastStatus;
            if (status == null || !"LEADER".equals(status.role())) break;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        Future<?> stopped = coreLoop.submit(() -> {
            running = false;
            if (tickTimer != null) tickTimer.cancel(false);
            driver.stop("node " + config.nodeId() + " stopped");
            storage.stopCommitting();
        });
        try {
            stopped.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("kvnode " + config.nodeId() + ": core did not stop cleanly: " + e);
        }
        running = false;
        clientServer.close();
        peerConnections.close();
        peerServer.close();
        snapshots.close();
        storage.close();
        wal.close();
        netty.close();
        eventLog.write(eventLog.event("stopped"));
        eventLog.close();
    }
}
