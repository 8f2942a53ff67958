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
import io.kvbench.wal.HardStateCopies;
import io.kvbench.wal.HardStateDamagedException;

import java.util.ArrayDeque;
import java.nio.file.Path;
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
    /** The term and vote the last completed persist made durable (what the checker holds the node to). */
    HardState durableHardState = HardState.INITIAL;
    /** The {@code hardstate} file's bytes, written and read back with the WAL's own rule ({@link HardStateCopies}). */
    byte[] hardStateFile = HardStateCopies.encodeFile(HardState.INITIAL, 0, 0);
    long hardStateSequence;
    /** Set when the node was rebuilt after losing its storage (docs/storage-recovery.md); 0 otherwise. */
    long voteFenceIndex;
    /** Its storage is gone (lost, or both hard state copies damaged): it must be rebuilt before it starts again. */
    boolean storageLost;
    /** It was rebuilt at least once: only such a node may report a log shorter than it acknowledged. */
    boolean everRebuilt;
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
        RaftCore fresh = new RaftCore(config, new Random(coreSeed * 7919 + incarnation), hardState, snapshot, entries,
                voteFenceIndex);
        fresh.breakRuleForTesting(mutation);
        return fresh;
    }

    /**
     * Crash: lose everything volatile. The oldest in-flight write may have partly reached the disk, as the WAL writes
     * it: a higher term first (both hard state copies, fsynced, before any entry of it), then a prefix of the entry
     * records (the WAL truncates the torn tail on recovery); a hard state write that was not yet durable may have
     * reached one copy, whole or torn.
     */
    void crash(Random random) {
        up = false;
        incarnation++;
        Ready inFlight = persistQueue.peekFirst();
        if (inFlight != null && random.nextBoolean()) {
            HardState hardState = inFlight.hardState();
            boolean hardStateFirst = hardState != null && hardState.term() > durableHardState.term();
            boolean hardStateDurable = hardState == null;
            if (hardState != null) {
                // The page cache may write the two copies back in either order.
                int first = random.nextInt(HardStateCopies.COPY_COUNT);
                switch (random.nextInt(5)) {
                    case 0 -> { } // not written
                    case 1 -> writeHardStateCopy(hardState, first, random, true);
                    case 2 -> writeHardStateCopy(hardState, first, random, false);
                    case 3 -> {
                        writeHardStateCopy(hardState, first, random, false);
                        writeHardStateCopy(hardState, 1 - first, random, true);
                    }
                    default -> {
                        makeHardStateDurable(hardState);
                        hardStateDurable = true;
                    }
                }
            }
            if (hardStateDurable || !hardStateFirst) {
                int kept = random.nextInt(inFlight.entries().size() + 1);
                persistEntries(inFlight.entries().subList(0, kept));
            }
        }
        persistQueue.clear();
        pendingProposals.clear();
        pendingReads.clear();
        confirmedReads.clear();
    }

    /**
     * Restart from what is durable; the hard state is read back from the file's bytes as the WAL reads it.
     *
     * @throws HardStateDamagedException when the WAL would refuse to open (the node must be rebuilt)
     */
    void restart() throws HardStateDamagedException {
        long highestLogTerm = durableSnapshot.lastTerm();
        for (Entry entry : durableEntries.values()) highestLogTerm = Math.max(highestLogTerm, entry.term());
        HardStateCopies.Recovered recovered = HardStateCopies.decode(Path.of("node" + id, "hardstate"), hardStateFile,
                highestLogTerm);
        hardStateSequence = recovered.sequence();
        durableHardState = recovered.hardState();
        voteFenceIndex = recovered.voteFenceIndex();
        if (!recovered.damagedCopies().isEmpty()) makeHardStateDurable(durableHardState); // the WAL rewrites both at open
        up = true;
        core = newCore(durableHardState, durableSnapshot, new ArrayList<>(durableEntries.values()));
        stateMachine = durableSnapshot.isEmpty()
                ? KvStateMachine.withWriteAudit(MAX_SESSIONS, SESSION_TIMEOUT_MILLIS, MAX_PENDING_REPLIES)
                : KvStateMachine.restore(durableSnapshot.data());
        recordedCommitIndex = durableSnapshot.lastIndex();
        lastCompactionIndex = durableSnapshot.lastIndex();
    }

    /**
     * The node lost its storage and is rebuilt as {@code kvnode rebuild} does (docs/storage-recovery.md): an empty log,
     * the hard state (the others' highest term, a vote for itself) and a vote fence at the others' highest last index.
     */
    void rebuild(long othersHighestTerm, long othersHighestLastIndex) {
        storageLost = false;
        everRebuilt = true;
        voteFenceIndex = othersHighestLastIndex;
        durableSnapshot = Snapshot.EMPTY;
        durableEntries.clear();
        durableHardState = new HardState(othersHighestTerm, id);
        hardStateSequence = 0;
        hardStateFile = HardStateCopies.encodeFile(durableHardState, voteFenceIndex, hardStateSequence);
    }

    /** A rebuilt node whose log has not reached its fence yet: it takes no part in elections. */
    boolean belowVoteFence() {
        long lastIndex = up ? core.lastIndex()
                : durableEntries.isEmpty() ? durableSnapshot.lastIndex() : durableEntries.lastKey();
        return lastIndex < voteFenceIndex;
    }

    /** A bit flips in one copy of the hard state file at rest. */
    void damageOneHardStateCopy(Random random) {
        flipByte(random.nextInt(HardStateCopies.COPY_COUNT), random);
    }

    /** Both copies read back valid (a crash may have torn one; a second damage would then lose the state). */
    boolean hardStateCopiesIntact() {
        try {
            return HardStateCopies.decode(Path.of("node" + id, "hardstate"), hardStateFile, 0).damagedCopies().isEmpty();
        } catch (HardStateDamagedException e) {
            return false;
        }
    }

    private void flipByte(int copy, Random random) {
        int offset = copy * HardStateCopies.COPY_SPACING_BYTES + random.nextInt(HardStateCopies.COPY_BYTES);
        hardStateFile[offset] ^= (byte) (1 << random.nextInt(8));
    }

    private void makeHardStateDurable(HardState hardState) {
        hardStateSequence++;
        hardStateFile = HardStateCopies.encodeFile(hardState, voteFenceIndex, hardStateSequence);
        durableHardState = hardState;
    }

    /** A hard state write cut short by a crash reached copy {@code copy}, maybe torn; it was never durable. */
    private void writeHardStateCopy(HardState hardState, int copy, Random random, boolean torn) {
        byte[] written = HardStateCopies.encodeCopy(hardState, voteFenceIndex, hardStateSequence + 1);
        System.arraycopy(written, 0, hardStateFile, copy * HardStateCopies.COPY_SPACING_BYTES, written.length);
        if (torn) flipByte(copy, random);
    }

    /** What a completed persist writes. */
    void makeDurable(Ready ready) {
        if (ready.hardState() != null) makeHardStateDurable(ready.hardState());
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
