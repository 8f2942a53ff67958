package io.kvbench.sim;

import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Mutation;
import io.kvbench.raft.RaftConfig;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Ready;
import io.kvbench.raft.Snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * One simulated replica: a core, its durable storage (only what a completed persist wrote survives a crash),
 * its state machine, and the proposals and reads it must answer. It plays the runtime's part exactly as
 * {@link Ready} prescribes: send now, persist, then send the rest, apply.
 */
final class SimNode {
    static final int MAX_SESSIONS = 64;
    static final long SESSION_TIMEOUT_MILLIS = 3_600_000;
    static final int MAX_PENDING_REPLIES = 64;
    /** Take a snapshot and compact the log every this many applied entries, to exercise InstallSnapshot. */
    static final int COMPACT_EVERY_ENTRIES = 60;

    final int id;
    final RaftConfig config;
    final long coreSeed;
    final Mutation mutation;
    boolean up = true;
    /** Bumped on every crash; events scheduled for an older incarnation are dropped. */
    int incarnation;
    RaftCore core;
    KvStateMachine stateMachine;

    // Durable storage.
    HardState durableHardState = HardState.INITIAL;
    Snapshot durableSnapshot = Snapshot.EMPTY;
    final TreeMap<Long, Entry> durableEntries = new TreeMap<>();

    /** Readies handed to storage and not yet durable, in order; readies with nothing to persist queue behind. */
    final ArrayDeque<Ready> persistQueue = new ArrayDeque<>();
    long lastPersistDoneTime;

    /** Proposals this node accepted as leader, by log index: who to answer when the index applies. */
    final TreeMap<Long, PendingProposal> pendingProposals = new TreeMap<>();
    /** ReadIndex reads this node accepted, by request id. */
    final TreeMap<Long, PendingRead> pendingReads = new TreeMap<>();
    /** Reads confirmed by the core, waiting for the state machine to reach their index. */
    final List<ConfirmedRead> confirmedReads = new ArrayList<>();
    long recordedCommitIndex;
    long lastCompactionIndex;

    record PendingProposal(int clientIndex, long requestId, long term) {
    }

    record PendingRead(int clientIndex, long requestId, String key, long invokeTime, long maxAckedIndexAtInvoke) {
    }

    record ConfirmedRead(PendingRead read, long readIndex) {
    }

    SimNode(int id, RaftConfig config, long coreSeed, Mutation mutation) {
        this.id = id;
        this.config = config;
        this.coreSeed = coreSeed;
        this.mutation = mutation;
        this.core = newCore(HardState.INITIAL, Snapshot.EMPTY, List.of());
        this.stateMachine = KvStateMachine.withWriteAudit(MAX_SESSIONS, SESSION_TIMEOUT_MILLIS, MAX_PENDING_REPLIES);
    }

    private RaftCore newCore(HardState hardState, Snapshot snapshot, List<Entry> entries) {
        RaftCore fresh = new RaftCore(config, new Random(coreSeed * 7919 + incarnation), hardState, snapshot, entries);
        fresh.breakRuleForTesting(mutation);
        return fresh;
    }

    /** Crash: lose everything volatile. The oldest in-flight write may have partly reached the disk (a torn write). */
    void crash(Random random) {
        up = false;
        incarnation++;
        Ready inFlight = persistQueue.peekFirst();
        if (inFlight != null && !inFlight.entries().isEmpty() && random.nextBoolean()) {
            // A prefix of the batch's entry records made it; the WAL truncates the torn tail on recovery.
            // Term and vote live in their own atomically renamed file: all or nothing.
            int kept = random.nextInt(inFlight.entries().size() + 1);
            persistEntries(inFlight.entries().subList(0, kept));
        }
        persistQueue.clear();
        pendingProposals.clear();
        pendingReads.clear();
        confirmedReads.clear();
    }

    void restart() {
        up = true;
        core = newCore(durableHardState, durableSnapshot, new ArrayList<>(durableEntries.values()));
        stateMachine = durableSnapshot.isEmpty()
                ? KvStateMachine.withWriteAudit(MAX_SESSIONS, SESSION_TIMEOUT_MILLIS, MAX_PENDING_REPLIES)
                : KvStateMachine.restore(durableSnapshot.data());
        recordedCommitIndex = durableSnapshot.lastIndex();
        lastCompactionIndex = durableSnapshot.lastIndex();
    }

    /** What a completed persist writes. */
    void makeDurable(Ready ready) {
        if (ready.hardState() != null) durableHardState = ready.hardState();
        if (ready.snapshot() != null) {
            durableSnapshot = ready.snapshot();
            durableEntries.headMap(ready.snapshot().lastIndex(), true).clear();
            durableEntries.clear(); // a snapshot from the leader replaces the whole log
        }
        persistEntries(ready.entries());
    }

    private void persistEntries(List<Entry> entries) {
        if (entries.isEmpty()) return;
        // An entry at or below the last one replaces it and everything after it (§5.3 truncation).
        durableEntries.tailMap(entries.get(0).index(), true).clear();
        for (Entry entry : entries) durableEntries.put(entry.index(), entry);
    }

    /** Snapshot the state machine at its applied index, make it durable, and let the core drop the log. */
    void maybeCompact() {
        long applied = stateMachine.lastAppliedIndex();
        if (applied - lastCompactionIndex < COMPACT_EVERY_ENTRIES || applied > core.stableIndex()) return;
        long term = core.termAt(applied);
        if (term <= 0) return;
        Snapshot snapshot = new Snapshot(applied, term, stateMachine.snapshot());
        durableSnapshot = snapshot;
        durableEntries.headMap(applied, true).clear();
        core.compact(snapshot);
        lastCompactionIndex = applied;
    }

    static boolean isCommand(Entry entry) {
        return entry.type() == io.kvbench.raft.EntryType.COMMAND;
    }

    static io.kvbench.kv.ProposedCommand decode(Entry entry) {
        return KvCommandCodec.decode(entry.data());
    }
}
