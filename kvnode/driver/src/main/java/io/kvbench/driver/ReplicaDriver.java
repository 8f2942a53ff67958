package io.kvbench.driver;

import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvStateCapture;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.kv.ProposedCommand;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;
import io.kvbench.net.RequestKind;
import io.kvbench.raft.Entry;
import io.kvbench.raft.EntryType;
import io.kvbench.raft.Message;
import io.kvbench.raft.Message.AppendResponse;
import io.kvbench.raft.Message.SnapshotChunk;
import io.kvbench.raft.Message.SnapshotChunkAck;
import io.kvbench.raft.Message.SnapshotRequest;
import io.kvbench.raft.Mutation;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Ready;
import io.kvbench.raft.Role;
import io.kvbench.raft.RoleChange;
import io.kvbench.raft.Snapshot;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One replica's data path: owns a {@link RaftCore}, the {@link KvStateMachine} and every pending client request,
 * and turns each {@link Ready} into effects through {@link Storage}, {@link Transport}, the clients'
 * {@link ClientReplyChannel}s and a {@link TimeSource}. The node binds these to the WAL and Netty, the simulator to
 * its seeded disk, network and clock, so the 1,000 simulated seeds test this class, not a copy of it.
 * <p>
 * Each Ready is handled in the order it prescribes (etcd-io/raft's async-storage order): messages that depend on
 * nothing unpersisted leave at once (a leader's appends, a candidate's vote requests while its own term and vote
 * are written); the Ready goes to storage; its other messages (votes, acknowledgements: "no message leaves before
 * the hard state it depends on is durable", etcd {@code doc.go}) leave only once storage reports it durable, in
 * order, and only then does the core learn it is durable ({@link RaftCore#persisted}: a candidate leads, a leader
 * counts its own copy); committed entries are applied and their clients answered only after the entries are applied.
 * <p>
 * Single-threaded, no locks: every method runs on the driver's thread (the node's event loop). Inputs
 * ({@link #receive}, {@link #clientRequest}, {@link #peerDisconnected}, completions) change the core; {@link #drain}
 * then handles what they produced, so inputs that arrived together leave in one Ready.
 * <p>
 * Snapshots are bytes in storage, moved in chunks (§7's offset and done): the core says a follower needs one, the
 * {@link SnapshotSender} streams it, the follower's {@link SnapshotReceiver} stages it and hands the core the leader's
 * request only once it is whole. The log is bounded in bytes too: a snapshot is taken every so many applied entries or
 * applied bytes, whichever comes first.
 */
public final class ReplicaDriver {
    /**
     * What {@link #stateMachine} holds while a received snapshot is read: the old state is let go first, so a
     * follower holds one state, not two, while it installs a snapshot as large as its heap allows.
     */
    private static final KvStateMachine RESTORING = new KvStateMachine(1, 1, 1);

    private final DriverConfig config;
    private final RaftCore core;
    private final Storage storage;
    private final Transport transport;
    private final TimeSource time;
    private final DriverObserver observer;
    private final ClientRequests clientRequests;
    private final ParkedRequests parkedRequests;
    private final SnapshotSender snapshotSender;
    private final SnapshotReceiver snapshotReceiver;
    /** Readies handed to storage and not yet durable, in order; Readies with nothing to persist queue behind them. */
    private final ArrayDeque<Ready> persistQueue = new ArrayDeque<>();
    /** With {@link DriverConfig#appendAcksPerTurn()}: the acknowledgements made sendable this turn, sent by {@link #drain}. */
    private final AppendAcksPerTurn heldAcks = new AppendAcksPerTurn(this::sendToPeer);
    private KvStateMachine stateMachine;
    private long lastSnapshotIndex;
    private boolean snapshotInProgress;
    /** {@link Entry#sizeBytes()} of the entries applied since the last snapshot: the log a snapshot would compact. */
    private long appliedLogBytes;
    private boolean storageFailed;
    private String storageFailure = "";
    private boolean shuttingDown;
    /** The last term in which this node, as leader, committed an entry of its own term (see noteLeaderReady). */
    private long leaderReadyTerm;
    private Mutation mutation = Mutation.NONE;

    /**
     * @param core         recovered from storage (all of its state durable)
     * @param stateMachine restored from the storage's snapshot, or empty
     */
    public ReplicaDriver(DriverConfig config, RaftCore core, KvStateMachine stateMachine, Storage storage,
                         Transport transport, TimeSource time, DriverObserver observer) {
        this.config = config;
        this.core = core;
        this.stateMachine = stateMachine;
        this.lastSnapshotIndex = core.snapshot().lastIndex();
        this.storage = storage;
        this.transport = transport;
        this.time = time;
        this.observer = observer;
        this.clientRequests = new ClientRequests(config, time, observer);
        this.parkedRequests = new ParkedRequests(config.maxParkedRequests());
        this.snapshotSender = new SnapshotSender(config, storage, time, observer, this::sendToPeer);
        this.snapshotReceiver = new SnapshotReceiver(storage, time, observer, this::sendToPeer);
        this.appliedLogBytes = core.logBytesBetween(core.firstIndex(), stateMachine.lastAppliedIndex());
    }

    /**
     * Breaks one of the driver's ordering rules on purpose, for the simulator's mutation check: the core's own
     * rules are broken by {@link RaftCore#breakRuleForTesting}. Never set outside tests.
     */
    public void breakRuleForTesting(Mutation rule) {
        this.mutation = rule;
        clientRequests.breakRuleForTesting(rule);
    }

    // ---------------------------------------------------------------- inputs

    /**
     * One logical clock tick: the core's timers, then requests held past their deadline, then {@link #drain}, then the
     * snapshot transfers' (a stalled one resumes, one no longer wanted stops).
     */
    public void tick() {
        if (!storageFailed) core.tick();
        parkedRequests.expire(time.nanoTime(),
                parked -> parked.channel().reply(clientRequests.notLeader(parked.request().requestId(), core.leaderId())));
        drain();
        if (!storageFailed) {
            snapshotSender.tick(core);
            snapshotReceiver.tick(core);
        }
    }

    /**
     * How many {@link #tick()}s from now the next one may act: the core's next timeout ({@link
     * RaftCore#ticksUntilNextAction()}), or 1 while something the driver checks every tick is under way (a request
     * parked during an election, a snapshot transfer). For a runtime that sleeps until then (issue 19's next-deadline
     * timer); ask again after every input.
     */
    public int ticksUntilNextAction() {
        if (!parkedRequests.isEmpty() || snapshotSender.active() || snapshotReceiver.active()) return 1;
        return core.ticksUntilNextAction();
    }

    /**
     * A peer's message; call {@link #drain} after a batch. Ignored once storage failed. The core handles every
     * message's term first (§5.1), snapshot chunks and their acknowledgements included; then the transfers move bytes.
     */
    public void receive(Message message) {
        if (storageFailed) return;
        observer.messageReceived(message);
        core.step(message);
        try {
            if (message instanceof SnapshotChunk chunk) snapshotReceiver.onChunk(chunk, core);
        } catch (IOException e) {
            storageFailed(e);
        }
        if (message instanceof SnapshotChunkAck ack && core.role() == Role.LEADER && core.term() == ack.term()) {
            snapshotSender.onAck(ack);
        }
    }

    /**
     * A client's COMMAND or READ (the runtime answers STATUS itself); call {@link #drain} after a batch.
     * {@code arrivedNanos}: when the runtime decoded it, on this driver's {@link TimeSource}.
     */
    public void clientRequest(ClientRequest request, ClientReplyChannel channel, long arrivedNanos) {
        if (!storageFailed && !shuttingDown && core.role() != Role.LEADER && core.leaderId() == 0
                && parkedRequests.hasRoom()) {
            // An election is under way: rather than answer "no leader known" and have the client guess and
            // back off, hold the request until a leader is known, then redirect (or serve) it at once.
            parkedRequests.add(request, channel, arrivedNanos, time.nanoTime() + config.parkTimeoutNanos());
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
     * The fast-failover hint: the connection from {@code peerId} closed. It comes from the connection the peer
     * sends on, so it is seen only after every message the peer sent was delivered.
     */
    public void peerDisconnected(int peerId) {
        if (config.connectionClosedHint() && !storageFailed) core.peerDisconnected(peerId);
    }

    /**
     * Handles everything the inputs since the last call produced: first proposes what clients parked here during
     * an election if this node now leads, so the leader's first append carries those writes with the term's
     * no-op; then every Ready, in order.
     */
    public void drain() {
        if (!parkedRequests.isEmpty() && !storageFailed && core.role() == Role.LEADER) releaseParkedRequests();
        while (!storageFailed && core.hasReady()) handleReady(core.ready());
        heldAcks.sendAll();
        noteLeaderReady();
    }

    /** Storage made the oldest outstanding {@link Storage#persist} durable. */
    public void persisted() {
        if (storageFailed) return;
        finishPersist(persistQueue.pollFirst());
        while (!persistQueue.isEmpty() && !persistQueue.peekFirst().mustPersist()) finishPersist(persistQueue.pollFirst());
    }

    /**
     * Disk full or fsync failed: nothing more can be made durable, so this node stops taking part in consensus
     * (it must never acknowledge what is not durable) and says why to every client: its pending writes may still be
     * committed by the others, so STORAGE_FAILED tells a client nothing about them but "ask elsewhere". Fail-stop, as
     * etcd: the observer is told once every client was answered, and whoever runs the driver stops the node (the node
     * exits, the simulator crashes it); nothing is stepped after this.
     */
    public void storageFailed(IOException cause) {
        if (storageFailed) return;
        storageFailed = true;
        storageFailure = "node " + config.nodeId() + " storage failed, it stops: " + cause.getMessage();
        clientRequests.failAll(ErrorCode.STORAGE_FAILED, storageFailure);
        parkedRequests.failAll(ErrorCode.STORAGE_FAILED, storageFailure);
        persistQueue.clear();
        heldAcks.clear();
        observer.storageFailed(cause, storageFailure);
    }

    /**
     * A snapshot from {@link Storage#writeSnapshot} is written: make it the current one, then compact the core's
     * log. Dropped if storage failed meanwhile, or if the leader installed a newer snapshot meanwhile (the state
     * machine was replaced; the older one must not compact).
     */
    public void snapshotWritten(WrittenSnapshot written) {
        snapshotInProgress = false;
        Snapshot snapshot = written.snapshot();
        if (storageFailed || snapshot.lastIndex() <= lastSnapshotIndex) {
            storage.discardSnapshot(written);
            observer.snapshotDropped(snapshot.lastIndex(),
                    storageFailed ? "storage failed" : "superseded by the snapshot at " + lastSnapshotIndex);
            if (!storageFailed) maybeSnapshot();
            return;
        }
        try {
            storage.installSnapshot(written);
        } catch (IOException e) {
            storageFailed(e);
            return;
        }
        core.compact(snapshot);
        lastSnapshotIndex = snapshot.lastIndex();
        appliedLogBytes = core.logBytesBetween(snapshot.lastIndex() + 1, stateMachine.lastAppliedIndex());
        observer.snapshotInstalled(written, stateMachine.lastAppliedIndex() - snapshot.lastIndex());
        // Entries applied while this one was taken may already make the next one due: do not wait for more.
        maybeSnapshot();
    }

    /** Storage read a chunk of the snapshot this leader is sending ({@link Storage#readSnapshotChunk}): send it. */
    public void snapshotChunkRead(SnapshotSource source, long offset, byte[] data) {
        if (storageFailed || core.role() != Role.LEADER) return;
        snapshotSender.onChunkRead(source, offset, data, core);
    }

    /** Storage wrote a received chunk, up to {@code endOffset} ({@link Storage#writeSnapshotChunk}). */
    public void snapshotChunkWritten(ReceivedSnapshot received, long endOffset) {
        if (storageFailed) return;
        snapshotReceiver.onChunkWritten(received, endOffset, core);
    }

    /**
     * Storage finished a received snapshot ({@link Storage#finishReceivedSnapshot}): whole, the core gets the leader's
     * request and installs it in the Ready this drains; damaged, the transfer starts over.
     */
    public void receivedSnapshotFinished(ReceivedSnapshot received, boolean whole) {
        if (storageFailed) return;
        snapshotReceiver.onFinished(received, whole, core);
        drain();
        snapshotReceiver.discardUnclaimed();
    }

    /** Writing a snapshot failed: as any failed write, the node's storage failed. */
    public void snapshotFailed(IOException cause) {
        snapshotInProgress = false;
        storageFailed(cause);
    }

    /**
     * A graceful stop begins: requests are refused from now on, and a leader hands leadership to its most
     * up-to-date follower (dissertation §3.10), so clients see a short transfer instead of a full election timeout.
     */
    public void beginShutdown() {
        shuttingDown = true;
        if (core.role() == Role.LEADER && !storageFailed) {
            int target = core.mostUpToDateFollower();
            observer.leadershipTransferStarted(target);
            core.transferLeadership(target);
        }
    }

    /** The node stops: every pending and parked request is answered {@code SHUTTING_DOWN} with {@code message}. */
    public void stop(String message) {
        snapshotSender.stopAll("node stopped");
        clientRequests.failAll(ErrorCode.SHUTTING_DOWN, message);
        parkedRequests.failAll(ErrorCode.SHUTTING_DOWN, message);
    }

    // ---------------------------------------------------------------- queries (driver thread)

    /** The core, for status and checks; inputs go through this driver. */
    public RaftCore core() {
        return core;
    }

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    /** Bytes of the entries applied since the last snapshot: a snapshot is due at {@link DriverConfig#snapshotEveryLogBytes()}. */
    public long appliedLogBytes() {
        return appliedLogBytes;
    }

    /** As leader, each snapshot transfer under way, by follower. */
    public List<SnapshotSender.Progress> snapshotTransfers() {
        return snapshotSender.progress();
    }

    /** As follower, the snapshot being received, or null. */
    public SnapshotReceiver.Progress snapshotReceiving() {
        return snapshotReceiver.progress();
    }

    /** Client requests this node holds unanswered: proposed and not yet applied, or reads not yet confirmed. */
    public int pendingClientRequests() {
        return clientRequests.pendingCount();
    }

    public boolean storageHasFailed() {
        return storageFailed;
    }

    /** What clients are told since storage failed; empty before. */
    public String storageFailure() {
        return storageFailure;
    }

    // ---------------------------------------------------------------- the Ready

    private void handleReady(Ready ready) {
        for (RoleChange change : ready.roleChanges()) onRoleChange(change);
        for (Message message : ready.messagesNow()) send(message);
        if (mutation == Mutation.SEND_BEFORE_PERSIST) {
            for (Message message : ready.messagesAfterPersist()) send(message);
        }
        ReceivedSnapshot received = null;
        if (ready.snapshot() != null) {
            // A snapshot from the leader replaces our state (§7); entries after it follow in later Readies. Only one
            // staged whole can be installed (claim throws otherwise): a partly received snapshot never is.
            received = snapshotReceiver.claim(ready.snapshot());
            stateMachine = RESTORING;
            try {
                stateMachine = storage.loadReceivedSnapshot(received);
            } catch (IOException e) {
                storageFailed(e);
                return;
            }
            lastSnapshotIndex = ready.snapshot().lastIndex();
            appliedLogBytes = 0;
        }
        if (ready.mustPersist()) {
            persistQueue.addLast(ready);
            try {
                storage.persist(ready.hardState(), ready.entries(), received);
            } catch (IOException e) {
                storageFailed(e); // the storage already failed: nothing of this Ready is applied
                return;
            }
        } else if (!persistQueue.isEmpty()) {
            persistQueue.addLast(ready); // its messages depend on what is still being persisted
        } else {
            finishPersist(ready);
        }
        apply(ready);
        observer.readyHandled();
    }

    /** A message of the core's: a SnapshotRequest is not sent but streamed in chunks ({@link SnapshotSender}). */
    private void send(Message message) {
        if (message instanceof SnapshotRequest request) {
            try {
                snapshotSender.request(request);
            } catch (IOException e) {
                storageFailed(e);
            }
            return;
        }
        sendToPeer(message);
    }

    private void sendToPeer(Message message) {
        observer.messageSent(message);
        transport.send(message);
    }

    private void finishPersist(Ready ready) {
        if (mutation != Mutation.SEND_BEFORE_PERSIST) {
            for (Message message : ready.messagesAfterPersist()) { // no leader appends here
                if (config.appendAcksPerTurn() && message instanceof AppendResponse ack && ack.success()) {
                    heldAcks.hold(ack);
                } else {
                    send(message);
                }
            }
        }
        core.persisted(ready);
    }

    private void apply(Ready ready) {
        for (Entry entry : ready.committedEntries()) {
            appliedLogBytes += entry.sizeBytes();
            ClientRequests.PendingProposal pending = clientRequests.takeProposal(entry.index());
            KvResult result = null;
            boolean tookEffect = false;
            if (entry.type() == EntryType.COMMAND) {
                long writesBefore = stateMachine.appliedWrites();
                // This leader's own proposal (same index and term: the same entry, §5.3) is applied from the form
                // it decoded when the client sent it; any other entry from its bytes.
                result = pending != null && pending.term() == entry.term()
                        ? stateMachine.apply(entry.index(), pending.command())
                        : mutation == Mutation.QUOTA_FROM_OWN_CONFIG ? applyWithOwnQuota(entry)
                        : stateMachine.apply(entry.index(), entry.data());
                tookEffect = stateMachine.appliedWrites() > writesBefore;
            } else {
                stateMachine.applyNoop(entry.index());
            }
            observer.entryApplied(entry, result, tookEffect);
            if (pending != null) clientRequests.answer(pending, entry, result);
        }
        clientRequests.onReadStates(ready.readStates(), stateMachine);
        clientRequests.onFailedReads(ready.failedReads(), core.leaderId());
        maybeSnapshot();
    }

    /** {@link Mutation#QUOTA_FROM_OWN_CONFIG}: the entry judged against this node's quota, not the stamped one. */
    private KvResult applyWithOwnQuota(Entry entry) {
        ProposedCommand proposed;
        try {
            proposed = KvCommandCodec.decode(entry.data());
        } catch (RuntimeException e) {
            return stateMachine.apply(entry.index(), entry.data());
        }
        return stateMachine.apply(entry.index(), new ProposedCommand(proposed.leaderTimeMillis(), config.quotaBytes(),
                proposed.command()));
    }

    /**
     * Bound the log (§7): snapshot the state machine every so many entries or applied bytes, then let storage and core
     * drop the log. Only the capture happens here (reference copies); serializing and writing run off this thread
     * ({@link Storage#writeSnapshot}), one at a time, and {@link #snapshotWritten} installs the result.
     */
    private void maybeSnapshot() {
        long applied = stateMachine.lastAppliedIndex();
        if (snapshotInProgress || applied <= lastSnapshotIndex) return;
        if (applied - lastSnapshotIndex < config.snapshotEveryEntries()
                && appliedLogBytes < config.snapshotEveryLogBytes()) {
            return;
        }
        long startNanos = time.nanoTime();
        long term = core.termAt(applied);
        if (term <= 0) throw new IllegalStateException("applied index " + applied + " has no term in the log: " + core);
        KvStateCapture capture = stateMachine.capture();
        snapshotInProgress = true;
        storage.writeSnapshot(capture, term, time.nanoTime() - startNanos);
    }

    private void onRoleChange(RoleChange change) {
        observer.roleChanged(change);
        if (change.role() != Role.LEADER) {
            clientRequests.onLeadershipLost(change.leaderId());
            snapshotSender.stopAll("leadership lost");
        }
        if (change.leaderId() != 0) releaseParkedRequests();
    }

    /** A leader is known: serve (if it is us) or redirect everything held during the election. */
    private void releaseParkedRequests() {
        int count = parkedRequests.size();
        for (int i = 0; i < count; i++) {
            ParkedRequests.Parked parked = parkedRequests.poll();
            clientRequest(parked.request(), parked.channel(), parked.arrivedNanos());
        }
    }

    /**
     * The first time, as leader of a term, the commit index reaches an entry of that term (the term's no-op, §8):
     * from then on this leader serves linearizable reads and has committed what earlier leaders left (§5.4.2).
     */
    private void noteLeaderReady() {
        if (core.role() != Role.LEADER || leaderReadyTerm == core.term()) return;
        if (core.termAt(core.commitIndex()) != core.term()) return;
        leaderReadyTerm = core.term();
        observer.leaderReady(core.term(), core.commitIndex());
    }
}
