package io.kvbench.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvStateCapture;
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
import io.kvbench.raft.Entry;
import io.kvbench.raft.EntryType;
import io.kvbench.raft.Message;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Ready;
import io.kvbench.raft.Role;
import io.kvbench.raft.RoleChange;
import io.kvbench.raft.Snapshot;
import io.kvbench.wal.RecoveredState;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalBatch;
import io.kvbench.wal.WalCallback;
import io.kvbench.wal.WalFailedException;
import io.kvbench.wal.WalOptions;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * One node: a single thread owns the consensus core, the state machine and every pending request, with no
 * locks (MicroRaft's {@code RaftNodeExecutor}). That thread is the node's one Netty event loop, so a decoded
 * message is stepped and its replies written without changing threads; the WAL thread makes batches durable
 * and enqueues completions. The core thread handles each {@link Ready} in the order it prescribes: send what
 * may go now, hand the rest to the WAL, send what depended on it once durable, apply.
 */
public final class NodeRuntime implements AutoCloseable {
    /**
     * JVM options that make the node's thread priorities real: the event loop and WAL thread (Thread.MAX_PRIORITY)
     * at nice -5, the JIT compiler threads at nice 19. Raising needs root or CAP_SYS_NICE; without it the JVM warns
     * once and applies only the lowered compiler priority.
     */
    public static final String THREAD_PRIORITY_JVM_OPTIONS = "-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19";
    /** Start-up waits at most this long for the warm-up's compiling to finish (p50 89 ms of waiting on two cores). */
    private static final long MAX_COMPILE_WAIT_MILLIS = 1_000;
    /** Beyond this many queued tasks, peer messages are dropped (Raft tolerates loss) and clients told OVERLOADED. */
    private static final int MAX_INBOX_TASKS = 200_000;
    /** Bounds how long replies and fsync hand-offs wait behind a burst of incoming tasks. */
    private static final int MAX_TASKS_PER_DRAIN = 256;
    /** Client requests held while no leader is known; beyond it they are answered NotLeader at once. */
    private static final int MAX_PARKED_REQUESTS = 4096;

    private final NodeConfig config;
    private final NodeLatencies latencies = new NodeLatencies();
    private final ReplicationTimer replicationTimer = new ReplicationTimer(latencies); // core thread only
    /** Tells this run of the node from an earlier one: cumulative counters (the histograms) began again at zero. */
    private final long startedWallMillis = System.currentTimeMillis();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final ArrayDeque<Ready> persistQueue = new ArrayDeque<>();
    private final ClientRequests clientRequests;
    private final EventLog eventLog;
    private final Wal wal;
    private final BackgroundSnapshots snapshots;
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
    private final long tickNanos;
    private long nextTickNanos;
    private ScheduledFuture<?> tickTimer;

    // Owned by the core thread.
    private RaftCore core;
    private KvStateMachine stateMachine;
    private long lastSnapshotIndex;
    private boolean storageFailed;
    private String storageFailure = "";
    private boolean shuttingDown;
    private boolean clientReadsPaused;
    private final HashSet<Integer> connectedPeers = new HashSet<>();
    private final ArrayDeque<ParkedRequest> parkedRequests = new ArrayDeque<>();
    private final long parkTimeoutNanos;

    private record ParkedRequest(ClientRequest request, ClientReplyChannel channel, long arrivedNanos, long deadlineNanos) {
    }
    private volatile boolean running = true;
    private volatile StatusSnapshot lastStatus;
    /**
     * The published status is rebuilt every this many ticks, not every tick: rebuilding it each millisecond was
     * most of an idle node's allocation (about 1 MB/s, a young collection every few seconds).
     */
    private static final int STATUS_REFRESH_TICKS = 10;
    private int ticksSinceStatusRefresh;
    /** The last term in which this node, as leader, committed an entry of its own term (see noteLeaderReady). */
    private long leaderReadyTerm;

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
        this.parkTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.electionTimeoutMinMillis());
        this.eventLog = new EventLog(config.eventLogFile(), config.nodeId());
        this.wal = Wal.open(config.dataDirectory(), walOptions.apply(WalOptions.defaults()
                .withSyncMode(config.syncMode()).withCommitNanosObserver(latencies::recordWalCommit)));
        RecoveredState recovered = wal.recoveredState();
        this.core = new RaftCore(config.raftConfig(), new Random(new SecureRandom().nextLong()),
                recovered.hardState(), recovered.snapshot(), recovered.entries());
        this.stateMachine = recovered.snapshot().isEmpty()
                ? (config.auditWrites()
                        ? KvStateMachine.withWriteAudit(config.maxSessions(), config.sessionTimeoutMillis(), 1024)
                        : new KvStateMachine(config.maxSessions(), config.sessionTimeoutMillis(), 1024))
                : KvStateMachine.restore(recovered.snapshot().data());
        this.lastSnapshotIndex = recovered.snapshot().lastIndex();
        this.clientRequests = new ClientRequests(config, latencies);
        this.snapshots = new BackgroundSnapshots(config.nodeId(), wal, snapshotExecutor, this::enqueue);
        long warmupStartNanos = System.nanoTime();
        LeaderPathWarmup.run(config);
        long compileWaitMicros = CompilerQueue.awaitIdle(MAX_COMPILE_WAIT_MILLIS);
        long warmupMicros = (System.nanoTime() - warmupStartNanos) / 1_000;
        ObjectNode started = eventLog.event("started");
        started.put("warmup_us", warmupMicros);
        started.put("compile_wait_us", compileWaitMicros);
        started.put("term", recovered.hardState().term());
        started.put("last_index", recovered.lastIndex());
        started.put("snapshot_index", recovered.snapshot().lastIndex());
        started.put("fsync", config.syncMode().name().toLowerCase());
        eventLog.write(started);
        refreshStatus();

        // The one event loop is the core thread: every message and request waits on its wake-up, so it runs at
        // the highest priority the JVM may give it (ignored unless -XX:ThreadPriorityPolicy=1 and allowed).
        this.netty = new NettyResources("kvnode-" + config.nodeId(), 1, true, Thread.MAX_PRIORITY);
        this.coreLoop = netty.group().next();
        var peerIds = new HashSet<>(config.voterIds());
        peerIds.remove(config.nodeId());
        this.peerServer = new PeerServer(netty, new PeerServerConfig(config.clusterId(), config.nodeId(), peerIds,
                16 << 20, PeerServerConfig.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS), this::onPeerMessage,
                peerId -> enqueue(() -> onInboundClosedOnCore(peerId)), this::onInboundOpened);
        var outbound = new java.util.TreeMap<>(config.peerAddresses());
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
        this.clientServer = new ClientServer(netty, ClientServerConfig.defaults(), this::onClientRequest);
        peerServer.start(config.peerAddress());
        peerConnections.start();
        clientServer.start(config.clientAddress());
        coreLoop.execute(() -> {
            nextTickNanos = System.nanoTime();
            onTick();
        });
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
            try {
                coreLoop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down with the node: nothing more runs on it.
            }
        }
    }

    private void onPeerMessage(Message message) {
        if (inboxSize.get() > MAX_INBOX_TASKS) return; // overloaded: drop, the sender retransmits
        enqueue(() -> {
            if (storageFailed) return;
            replicationTimer.onReceived(message, System.nanoTime());
            core.step(message);
        });
    }

    private void onClientRequest(ClientRequest request, ClientReplyChannel channel) {
        if (request.kind() == RequestKind.STATUS) {
            // Requests arrive on the core's event loop (one thread per node), so the status is current.
            if (coreLoop.inEventLoop()) guarded(this::refreshStatus);
            String json = request.wantsLatencyHistograms() ? lastStatus.toJson(latencies) : lastStatus.toJson();
            channel.reply(new ClientResponse.Status(request.requestId(), json));
            return;
        }
        if (inboxSize.get() > MAX_INBOX_TASKS) {
            channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.OVERLOADED, "node inbox full"));
            return;
        }
        long arrivedNanos = System.nanoTime(); // just decoded on this loop: the start of leaderWriteMicros
        enqueue(() -> handleClientRequest(request, channel, arrivedNanos));
    }

    private void handleClientRequest(ClientRequest request, ClientReplyChannel channel, long arrivedNanos) {
        if (!storageFailed && !shuttingDown && core.role() != Role.LEADER && core.leaderId() == 0
                && parkedRequests.size() < MAX_PARKED_REQUESTS) {
            // An election is under way: rather than answer "no leader known" and have the client guess and
            // back off, hold the request until a leader is known, then redirect (or serve) it at once.
            parkedRequests.add(new ParkedRequest(request, channel, arrivedNanos, System.nanoTime() + parkTimeoutNanos));
            return;
        }
        if (storageFailed) {
            channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.STORAGE_FAILED, storageFailure));
        } else if (shuttingDown) {
            channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.SHUTTING_DOWN,
                    "node " + config.nodeId() + " is shutting down"));
        } else if (request.kind() == RequestKind.COMMAND) {
            clientRequests.onCommand(core, request, channel, arrivedNanos);
        } else if (request.kind() == RequestKind.READ) {
            clientRequests.onRead(core, request, channel);
        }
    }

    /**
     * The fast-failover hint. It comes from the connection the peer sends on, not the one we send on: that
     * close is seen only after every message the peer sent was delivered, so a dead leader's last heartbeat
     * cannot arrive after the hint and put this follower back in lease for a whole election timeout.
     */
    /** A peer connected to us: it is up, so our connection to it need not wait out its reconnect backoff. */
    private void onInboundOpened(int peerId) {
        PeerConnections connections = peerConnections;
        if (connections != null) connections.peerIsUp(peerId);
    }

    private void onInboundClosedOnCore(int peerId) {
        ObjectNode event = eventLog.event("peer_closed");
        event.put("peer", peerId);
        event.put("leader", core.leaderId());
        eventLog.write(event);
        if (config.connectionClosedHint() && !storageFailed) core.peerDisconnected(peerId);
    }

    // ---------------------------------------------------------------- the core loop

    /**
     * Runs a batch of queued tasks, then drains the core once: proposals and reads that arrived together leave
     * in one append per follower and one heartbeat round (the core batches per Ready).
     */
    private void drainInbox() {
        if (!running) return;
        drainScheduled.set(false);
        guarded(() -> {
            Runnable task;
            int ran = 0;
            while (ran < MAX_TASKS_PER_DRAIN && (task = inbox.poll()) != null) {
                inboxSize.decrementAndGet();
                task.run();
                ran++;
            }
            if (ran > 0) {
                proposeParkedIfLeading();
                drainReady();
            }
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
            if (!storageFailed) core.tick();
            expireParkedRequests(System.nanoTime());
            proposeParkedIfLeading();
            drainReady();
            // For readers on other threads (tests, shutdown); a status request on this thread refreshes it first.
            if (++ticksSinceStatusRefresh >= STATUS_REFRESH_TICKS) refreshStatus();
        });
        long now = System.nanoTime();
        nextTickNanos = Math.max(nextTickNanos + tickNanos, now);
        tickTimer = coreLoop.schedule(this::onTick, nextTickNanos - now, TimeUnit.NANOSECONDS);
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

    private void drainReady() {
        while (!storageFailed && core.hasReady()) handleReady(core.ready());
        noteLeaderReady();
    }

    /**
     * The first time, as leader of a term, the commit index reaches an entry of that term (the term's no-op, §8):
     * from then on this leader serves linearizable reads and has committed what earlier leaders left (§5.4.2).
     * Written to the event log so a campaign can split "elected" from "serving" (chaos's leader_ready timing).
     */
    private void noteLeaderReady() {
        if (core.role() != Role.LEADER || leaderReadyTerm == core.term()) return;
        if (core.termAt(core.commitIndex()) != core.term()) return;
        leaderReadyTerm = core.term();
        ObjectNode event = eventLog.event("leader_ready");
        event.put("term", core.term());
        event.put("commit_index", core.commitIndex());
        eventLog.write(event);
    }

    private void handleReady(Ready ready) {
        for (RoleChange change : ready.roleChanges()) onRoleChange(change);
        for (Message message : ready.messagesNow()) {
            replicationTimer.onSent(message, System.nanoTime());
            peerConnections.send(message);
        }
        if (ready.snapshot() != null) {
            // A snapshot from the leader replaces our state (§7); entries after it follow in later Readies.
            stateMachine = KvStateMachine.restore(ready.snapshot().data());
            lastSnapshotIndex = ready.snapshot().lastIndex();
        }
        if (ready.mustPersist()) {
            persistQueue.addLast(ready);
            if (!submitToWal(new WalBatch(ready.hardState(), ready.entries(), ready.snapshot()), new WalCallback() {
                @Override
                public void onDurable() {
                    enqueue(NodeRuntime.this::onPersisted);
                }

                @Override
                public void onFailure(IOException cause) {
                    enqueue(() -> onStorageFailed(cause));
                }
            })) {
                return; // the WAL already failed: the node no longer takes part, nothing of this Ready is applied
            }
        } else if (!persistQueue.isEmpty()) {
            persistQueue.addLast(ready); // its messages depend on what is still being persisted
        } else {
            finishPersist(ready);
        }
        apply(ready);
    }

    private void onPersisted() {
        if (storageFailed) return;
        finishPersist(persistQueue.pollFirst());
        while (!persistQueue.isEmpty() && !persistQueue.peekFirst().mustPersist()) finishPersist(persistQueue.pollFirst());
    }

    private void finishPersist(Ready ready) {
        for (Message message : ready.messagesAfterPersist()) peerConnections.send(message); // no leader appends here
        core.persisted(ready);
    }

    private void apply(Ready ready) {
        for (Entry entry : ready.committedEntries()) {
            KvResult result = null;
            if (entry.type() == EntryType.COMMAND) {
                result = stateMachine.apply(entry.index(), entry.data());
            } else {
                stateMachine.applyNoop(entry.index());
            }
            clientRequests.onApplied(entry, result);
        }
        clientRequests.onReadStates(ready.readStates(), stateMachine);
        clientRequests.onFailedReads(ready.failedReads(), core.leaderId());
        maybeSnapshot();
    }

    /**
     * Bound the log (§7): snapshot the state machine every so many entries, then let the WAL and core drop the log.
     * Only the capture happens here, on the core thread (reference copies); serializing and writing the file, which
     * take milliseconds to tens of milliseconds for a megabyte, run in the background ({@link BackgroundSnapshots}),
     * one at a time, and {@link #onSnapshotStaged} installs the result.
     */
    private void maybeSnapshot() {
        long applied = stateMachine.lastAppliedIndex();
        if (snapshots.inProgress() || applied - lastSnapshotIndex < config.snapshotEveryEntries()) return;
        long startNanos = System.nanoTime();
        long term = core.termAt(applied);
        if (term <= 0) throw new IllegalStateException("applied index " + applied + " has no term in the log: " + core);
        KvStateCapture capture = stateMachine.capture();
        snapshots.start(capture, term, System.nanoTime() - startNanos, new BackgroundSnapshots.Outcome() {
            @Override
            public void staged(BackgroundSnapshots.Staged staged) {
                onSnapshotStaged(staged);
            }

            @Override
            public void failed(IOException cause) {
                onStorageFailed(cause);
            }
        });
    }

    /**
     * Back on the core thread with a durably staged snapshot: make it the WAL's current snapshot, then compact the
     * WAL (after the install, in its queue) and the core. Dropped if storage failed meanwhile, or if the leader
     * installed a newer snapshot meanwhile (the state machine was replaced; the older one must not compact).
     */
    private void onSnapshotStaged(BackgroundSnapshots.Staged staged) {
        Snapshot snapshot = staged.snapshot();
        if (storageFailed || snapshot.lastIndex() <= lastSnapshotIndex) {
            snapshots.discard(staged.file());
            ObjectNode event = eventLog.event("snapshot_dropped");
            event.put("index", snapshot.lastIndex());
            event.put("reason", storageFailed ? "storage failed" : "superseded by the snapshot at " + lastSnapshotIndex);
            eventLog.write(event);
            if (!storageFailed) maybeSnapshot();
            return;
        }
        try {
            wal.installStagedSnapshot(staged.file(), new WalCallback() {
                @Override
                public void onDurable() {
                    // The WAL may now drop segments the snapshot covers.
                }

                @Override
                public void onFailure(IOException cause) {
                    enqueue(() -> onStorageFailed(cause));
                }
            });
            wal.compact(snapshot.lastIndex());
        } catch (WalFailedException e) {
            onStorageFailed(e.getCause());
            return;
        }
        core.compact(snapshot);
        lastSnapshotIndex = snapshot.lastIndex();
        ObjectNode event = eventLog.event("snapshot");
        event.put("index", snapshot.lastIndex());
        event.put("term", snapshot.lastTerm());
        event.put("bytes", snapshot.data().length);
        event.put("capture_us", staged.captureNanos() / 1_000);
        event.put("serialize_us", staged.serializeNanos() / 1_000);
        event.put("write_us", staged.writeNanos() / 1_000);
        event.put("applied_since", stateMachine.lastAppliedIndex() - snapshot.lastIndex());
        eventLog.write(event);
        // Entries applied while this one was taken may already make the next one due: do not wait for more.
        maybeSnapshot();
    }

    /**
     * The WAL fails fast once a write or fsync failed, possibly before its failure callback reached this thread:
     * enter the storage-failed state now instead of letting the exception stop the node.
     */
    private boolean submitToWal(WalBatch batch, WalCallback callback) {
        try {
            wal.submit(batch, callback);
            if (wal.queueFull()) pauseClientReads();
            return true;
        } catch (WalFailedException e) {
            onStorageFailed(e.getCause());
            return false;
        }
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

    private void onRoleChange(RoleChange change) {
        ObjectNode event = eventLog.event("role");
        event.put("role", change.role().name());
        event.put("term", change.term());
        event.put("leader", change.leaderId());
        eventLog.write(event);
        if (change.role() != Role.LEADER) {
            clientRequests.onLeadershipLost(change.leaderId());
            replicationTimer.reset();
        }
        if (change.leaderId() != 0) releaseParkedRequests();
    }

    /**
     * This node just won an election: propose what clients parked here during it before the core's first Ready,
     * so the leader's first append (a probe, one message until the follower answers) carries those writes with
     * the term's no-op instead of leaving them for the next round trip and follower fsync. Clients that fanned
     * their retries out to every node (KvClient's failover fan-out) get their answers one round trip sooner.
     */
    private void proposeParkedIfLeading() {
        if (!parkedRequests.isEmpty() && !storageFailed && core.role() == Role.LEADER) releaseParkedRequests();
    }

    /** A leader is known: serve (if it is us) or redirect everything held during the election. */
    private void releaseParkedRequests() {
        int count = parkedRequests.size();
        for (int i = 0; i < count; i++) {
            ParkedRequest parked = parkedRequests.pollFirst();
            handleClientRequest(parked.request(), parked.channel(), parked.arrivedNanos());
        }
    }

    private void failParkedRequests(ErrorCode code, String message) {
        for (ParkedRequest parked : parkedRequests) {
            parked.channel().reply(new ClientResponse.Error(parked.request().requestId(), code, message));
        }
        parkedRequests.clear();
    }

    private void expireParkedRequests(long nowNanos) {
        while (!parkedRequests.isEmpty() && parkedRequests.peekFirst().deadlineNanos() <= nowNanos) {
            ParkedRequest parked = parkedRequests.pollFirst();
            parked.channel().reply(clientRequests.notLeader(parked.request().requestId(), core.leaderId()));
        }
    }

    /**
     * Disk full or fsync failed: nothing more can be made durable, so this node stops taking part in
     * consensus (it must never acknowledge what is not durable) and says why to every client.
     */
    private void onStorageFailed(IOException cause) {
        if (storageFailed) return;
        storageFailed = true;
        storageFailure = "node " + config.nodeId() + " storage failed, writes refused: " + cause.getMessage();
        System.err.println("kvnode " + config.nodeId() + ": " + storageFailure);
        ObjectNode event = eventLog.event("storage_failed");
        event.put("error", String.valueOf(cause));
        eventLog.write(event);
        clientRequests.failAll(ErrorCode.STORAGE_FAILED, storageFailure);
        failParkedRequests(ErrorCode.STORAGE_FAILED, storageFailure);
        persistQueue.clear();
        refreshStatus();
    }

    private void refreshStatus() {
        ticksSinceStatusRefresh = 0;
        lastStatus = StatusSnapshot.of(config, core, stateMachine, storageFailed, storageFailure,
                connectedPeers.size(), wal.stats(), startedWallMillis);
    }

    // ---------------------------------------------------------------- lifecycle

    public InetSocketAddress clientAddress() {
        return clientServer.localAddress();
    }

    public StatusSnapshot status() {
        return lastStatus;
    }

    /**
     * Graceful shutdown: a leader first hands leadership to its most up-to-date follower (dissertation
     * §3.10), so clients see a short transfer instead of a full election timeout. Then everything stops.
     */
    public void shutdownGracefully(Duration transferTimeout) {
        enqueue(() -> {
            shuttingDown = true;
            if (core.role() == Role.LEADER && !storageFailed) {
                int target = core.mostUpToDateFollower();
                ObjectNode event = eventLog.event("transfer");
                event.put("target", target);
                eventLog.write(event);
                core.transferLeadership(target);
            }
        });
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
        if (!running) return;
        Future<?> stopped = coreLoop.submit(() -> {
            running = false;
            if (tickTimer != null) tickTimer.cancel(false);
            clientRequests.failAll(ErrorCode.SHUTTING_DOWN, "node " + config.nodeId() + " stopped");
            failParkedRequests(ErrorCode.SHUTTING_DOWN, "node " + config.nodeId() + " stopped");
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
        wal.close();
        netty.close();
        eventLog.write(eventLog.event("stopped"));
        eventLog.close();
    }
}
