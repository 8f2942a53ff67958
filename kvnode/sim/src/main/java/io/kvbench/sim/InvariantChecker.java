package io.kvbench.sim;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.kv.ProposedCommand;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Message;
import io.kvbench.raft.Role;
import io.kvbench.raft.RoleChange;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The safety properties of Raft (Figure 3) and of client sessions, checked as the simulation runs
 * (TigerBeetle's {@code state_checker.zig}): election safety, log matching, leader completeness, state
 * machine safety, no acknowledged write lost, each (client id, sequence number) applied at most once, and
 * linearizable reads (a read reflects every write acknowledged before it began). And of the driver, as each reply
 * leaves a node: a client is only ever answered from an applied entry (a write once it was applied there, exactly
 * once; a read once the state machine reached its read index and every write acknowledged before the read began).
 * And of storage: term and vote never roll back at a restart, and only a node that lost its storage and was rebuilt
 * ever reports a log shorter than it acknowledged.
 * And of snapshots and quotas: every snapshot stored at an index holds the same bytes on every node, whole (a
 * follower never installs one it received in part, or damaged); a write refused for the quota never takes effect.
 */
final class InvariantChecker {
    private static final int LOG_MATCHING_EVERY_EVENTS = 64;
    /** Answers the simulated clients never provoke: a bug in the driver or the codec. */
    private static final Set<ErrorCode> UNEXPECTED_ERRORS = EnumSet.of(ErrorCode.MALFORMED, ErrorCode.TOO_LARGE, ErrorCode.INTERNAL);

    private record ClientSeq(long clientId, long seq) implements Comparable<ClientSeq> {
        @Override
        public int compareTo(ClientSeq other) {
            int c = Long.compare(clientId, other.clientId);
            return c != 0 ? c : Long.compare(seq, other.seq);
        }
    }

    private final Simulation simulation;
    private final List<Violation> violations = new ArrayList<>();
    private final TreeMap<Long, Integer> leaderByTerm = new TreeMap<>();
    /** Every entry any replica knew to be committed, by index. */
    private final TreeMap<Long, Entry> committed = new TreeMap<>();
    /** Every entry any replica applied, by index. */
    private final TreeMap<Long, Entry> applied = new TreeMap<>();
    /** The index at which each write took effect (was not answered from a session's stored reply). */
    private final TreeMap<ClientSeq, Long> writeEffectIndex = new TreeMap<>();
    /** Writes acknowledged to clients, with the index of the entry whose application answered them. */
    private final TreeMap<ClientSeq, Long> acknowledged = new TreeMap<>();
    /** Writes answered QuotaExceeded: never applied, on any replica. */
    private final TreeMap<ClientSeq, Long> refusedForQuota = new TreeMap<>();
    /** The bytes of every snapshot stored, by index: the same on every node. */
    private final TreeMap<Long, byte[]> snapshotFiles = new TreeMap<>();
    private long snapshotsReceived;
    private long maxAcknowledgedIndex;
    private long readsServed;
    private long leaderChanges;
    private long maxTerm;
    private long events;

    InvariantChecker(Simulation simulation) {
        this.simulation = simulation;
    }

    void fail(String invariant, String detail) {
        violations.add(new Violation(invariant, detail, simulation.nowTicks()));
    }

    // §5.2 Election Safety: at most one leader can be elected in a given term.
    void onRoleChange(SimNode node, RoleChange change) {
        maxTerm = Math.max(maxTerm, change.term());
        if (change.role() != Role.LEADER) return;
        leaderChanges++;
        Integer previous = leaderByTerm.putIfAbsent(change.term(), node.id);
        if (previous != null && previous != node.id) {
            fail("election safety", "nodes " + previous + " and " + node.id + " both lead term " + change.term());
        }
        // Figure 2, "persist before responding", for the candidate's own vote: it leads only on a term and vote
        // that a crash cannot take back (else, restarted in the old term, it could lead this term again).
        HardState durable = node.disk.durableHardState();
        if (node.config.voterIds().size() > 1 && (durable.term() != change.term() || durable.votedFor() != node.id)) {
            fail("durable vote", "node " + node.id + " leads term " + change.term() + " on " + durable);
        }
        checkLeaderCompleteness(node);
    }

    // §5.4 Leader Completeness: a leader's log holds every entry committed in earlier terms.
    private void checkLeaderCompleteness(SimNode leader) {
        for (Map.Entry<Long, Entry> e : committed.tailMap(leader.core().firstIndex(), true).entrySet()) {
            long index = e.getKey();
            if (leader.core().termAt(index) != e.getValue().term()) {
                fail("leader completeness", "new leader " + leader.id + " of term " + leader.core().term()
                        + " lacks committed " + e.getValue() + " (has term " + leader.core().termAt(index) + ")");
                return;
            }
        }
    }

    /** After a node's Ready was handled: record what it now considers committed. */
    void afterDrain(SimNode node) {
        long commit = node.core().commitIndex();
        if (commit > node.core().lastIndex()) {
            fail("commit within log", "node " + node.id + " commit " + commit + " beyond last index " + node.core().lastIndex());
            return;
        }
        for (long index = Math.max(node.recordedCommitIndex + 1, node.core().firstIndex()); index <= commit; index++) {
            Entry entry = node.core().entryAt(index);
            Entry known = committed.putIfAbsent(index, entry);
            if (known != null && !known.equals(entry)) {
                fail("committed entries agree", "node " + node.id + " committed " + entry + " where " + known + " was committed");
                return;
            }
        }
        node.recordedCommitIndex = Math.max(node.recordedCommitIndex, commit);
    }

    // §5.4.3 State Machine Safety: no two replicas apply different entries at one index.
    void onApplied(SimNode node, Entry entry, boolean tookEffect) {
        Entry known = applied.putIfAbsent(entry.index(), entry);
        if (known != null && !known.equals(entry)) {
            fail("state machine safety", "node " + node.id + " applied " + entry + " where another applied " + known);
            return;
        }
        Entry committedEntry = committed.get(entry.index());
        if (committedEntry != null && !committedEntry.equals(entry)) {
            fail("state machine safety", "node " + node.id + " applied " + entry + " but " + committedEntry + " was committed");
            return;
        }
        if (!SimNode.isCommand(entry)) return;
        ProposedCommand proposed = SimNode.decode(entry);
        if (!(proposed.command() instanceof KvCommand.Write write)) return;
        ClientSeq key = new ClientSeq(write.clientId(), write.seq());
        long times = node.stateMachine().timesApplied(write.clientId(), write.seq());
        if (times > 1) {
            fail("exactly once", "node " + node.id + " applied (client " + write.clientId() + ", seq " + write.seq() + ") " + times + " times");
        }
        if (tookEffect) {
            Long previous = writeEffectIndex.putIfAbsent(key, entry.index());
            if (previous != null && previous != entry.index()) {
                fail("exactly once", "(client " + write.clientId() + ", seq " + write.seq() + ") took effect at index "
                        + previous + " and again at " + entry.index());
            }
        }
    }

    /**
     * A node's driver answers a client, now: the answer must come from what that node applied. Returns the log index
     * an acknowledgement is credited with: where the write took effect, the registering entry, the applied index a
     * read was answered at.
     */
    long onReplySent(SimReplyChannel channel, ClientResponse response) {
        SimNode node = channel.node;
        if (response instanceof ClientResponse.Error error && UNEXPECTED_ERRORS.contains(error.code())) {
            fail("expected replies only", "node " + node.id + " answered " + channel.command + " with " + error);
            return 0;
        }
        if (!(response instanceof ClientResponse.Result answer)) return 0; // a redirect or OVERLOADED: the client retries
        KvResult result = KvResultCodec.decode(answer.result());
        long appliedIndex = node.stateMachine().lastAppliedIndex();
        String where = "node " + node.id + " answered " + channel.command + " with " + result + " at applied index " + appliedIndex;
        if (result instanceof KvResult.Rejected) {
            fail("expected replies only", where);
        } else if (channel.command instanceof KvCommand.Write write && (result instanceof KvResult.Written || result instanceof KvResult.CasResult)) {
            long times = node.stateMachine().timesApplied(write.clientId(), write.seq());
            if (times != 1) fail("replies follow the apply", where + ", having applied it " + times + " times");
            Long effect = writeEffectIndex.get(new ClientSeq(write.clientId(), write.seq()));
            return effect != null ? effect : appliedIndex;
        } else if (result instanceof KvResult.SessionRegistered registered) {
            if (appliedIndex < registered.clientId()) fail("replies follow the apply", where + " before applying its registration");
            return registered.clientId();
        } else if (channel.command instanceof KvCommand.Get) {
            if (appliedIndex < channel.readIndex) fail("replies follow the apply", where + ", below its read index " + channel.readIndex);
            if (appliedIndex < channel.maxAckedIndexAtInvoke) {
                fail("replies follow the apply", where + ", but index " + channel.maxAckedIndexAtInvoke
                        + " was acknowledged before the read began");
            }
        }
        return appliedIndex;
    }

    void onClientAcknowledged(SimClient client, KvResult result, long index) {
        if (client.awaiting instanceof KvCommand.Write write && result instanceof KvResult.QuotaExceeded) {
            refusedForQuota.put(new ClientSeq(write.clientId(), write.seq()), index);
            return;
        }
        maxAcknowledgedIndex = Math.max(maxAcknowledgedIndex, index);
        if (client.awaiting instanceof KvCommand.Write write) {
            acknowledged.put(new ClientSeq(write.clientId(), write.seq()), index);
            Entry entry = applied.get(index);
            if (entry == null) fail("acknowledged only when applied", "client " + client.index + " acknowledged at unapplied index " + index);
        }
    }

    // §6.4: a linearizable read reflects every write acknowledged before the read was invoked.
    void onReadServed(SimNode node, SimReplyChannel read, long readIndex) {
        readsServed++;
        if (readIndex < read.maxAckedIndexAtInvoke) {
            fail("linearizable read", "node " + node.id + " served a read at index " + readIndex
                    + " but index " + read.maxAckedIndexAtInvoke + " was acknowledged before the read began");
        }
    }

    void afterEvent() {
        if (++events % LOG_MATCHING_EVERY_EVENTS == 0) checkLogMatching();
    }

    // §5.3 Log Matching: if two logs hold an entry with the same index and term, they are identical up to it.
    void checkLogMatching() {
        List<SimNode> nodes = simulation.nodes();
        for (int a = 0; a < nodes.size(); a++) {
            for (int b = a + 1; b < nodes.size(); b++) {
                SimNode x = nodes.get(a);
                SimNode y = nodes.get(b);
                if (!x.up || !y.up) continue;
                long low = Math.max(x.core().firstIndex(), y.core().firstIndex());
                long high = Math.min(x.core().lastIndex(), y.core().lastIndex());
                long match = high;
                while (match >= low && x.core().termAt(match) != y.core().termAt(match)) match--;
                for (long index = low; index <= match; index++) {
                    if (!x.core().entryAt(index).equals(y.core().entryAt(index))) {
                        fail("log matching", "nodes " + x.id + " and " + y.id + " agree at " + match + " but differ at " + index
                                + ": " + x.core().entryAt(index) + " vs " + y.core().entryAt(index));
                        return;
                    }
                }
            }
        }
    }

    /** A node's snapshot became durable: whole, and the same bytes as any other stored at that index (§5.4.3). */
    void onSnapshotStored(int nodeId, io.kvbench.raft.Snapshot snapshot, byte[] file) {
        if (file == null || SimDisk.stateOf(file) == null) {
            fail("snapshots whole", "node " + nodeId + " stored " + snapshot + " whose bytes fail their check");
            return;
        }
        byte[] known = snapshotFiles.putIfAbsent(snapshot.lastIndex(), file);
        if (known != null && !java.util.Arrays.equals(known, file)) {
            fail("snapshots agree", "node " + nodeId + " stored " + snapshot + " with other bytes than another node's at "
                    + snapshot.lastIndex());
        }
    }

    /** A follower installs a snapshot streamed from its leader. */
    void onSnapshotReceived(SimNode node, io.kvbench.raft.Snapshot snapshot) {
        snapshotsReceived++;
    }

    /**
     * A follower reports a log shorter than it acknowledged (an append rejection at index 0, RaftCore.handleHeartbeat)
     * only after it lost its storage: a node that kept it never shrinks its log below an acknowledgement within a term,
     * whatever the network reorders or the crashes tear.
     */
    void onSend(SimNode from, Message message) {
        if (message instanceof Message.AppendResponse response && !response.success() && response.matchIndex() == 0
                && response.conflictIndex() > 0 && !from.everRebuilt) {
            fail("lost log reported only by a rebuilt node", "node " + from.id + " never lost its storage but sent " + message);
        }
    }

    /** Figure 2's persistent state: a restart never comes back with an older term or a forgotten vote. */
    void onRecoveredHardState(SimNode node, HardState durableBefore) {
        HardState recovered = node.disk.durableHardState();
        boolean older = recovered.term() < durableBefore.term() || (recovered.term() == durableBefore.term()
                && durableBefore.votedFor() != HardState.NO_VOTE && recovered.votedFor() != durableBefore.votedFor());
        if (older) {
            fail("term and vote never roll back", "node " + node.id + " restarted with " + recovered + " after " + durableBefore
                    + " was durable");
        }
    }

    void onCrash(SimNode node) {
    }

    void onRestart(SimNode node) {
    }

    void onHeal() {
    }

    /** After the run: liveness, then no acknowledged write lost on any replica. */
    void atEnd(boolean quiescent) {
        if (!quiescent) {
            SimNode leader = simulation.currentLeader();
            long pending = simulation.clients().stream().filter(c -> c.awaiting != null || c.clientId == 0).count();
            StringBuilder nodes = new StringBuilder();
            for (SimNode node : simulation.nodes()) nodes.append("\n    ").append(node.up ? node.core().toString() : node.id + " down");
            fail("liveness", "not settled " + simulation.options().livenessBoundTicks() + " ticks after healing: leader="
                    + (leader == null ? "none" : leader.id) + ", clients waiting=" + pending + nodes);
            return;
        }
        checkLogMatching();
        // §5.4.3 at the end: every replica applied the same entries, so each holds the same state, byte for byte
        // (a leader applies its own proposals from the commands it decoded, the others from the entries' bytes).
        byte[] first = simulation.nodes().get(0).stateMachine().snapshot();
        for (SimNode node : simulation.nodes()) {
            if (!java.util.Arrays.equals(node.stateMachine().snapshot(), first)) {
                fail("replicas agree", "node " + node.id + "'s state at applied index " + node.stateMachine().lastAppliedIndex()
                        + " differs from node " + simulation.nodes().get(0).id + "'s");
                return;
            }
        }
        for (ClientSeq refused : refusedForQuota.keySet()) {
            for (SimNode node : simulation.nodes()) {
                long times = node.stateMachine().timesApplied(refused.clientId, refused.seq);
                if (times != 0 || writeEffectIndex.containsKey(refused)) {
                    fail("refused writes never applied", "node " + node.id + " applied (client " + refused.clientId
                            + ", seq " + refused.seq + ") " + times + " times after it was refused for the quota");
                    return;
                }
            }
        }
        for (Map.Entry<ClientSeq, Long> ack : acknowledged.entrySet()) {
            ClientSeq write = ack.getKey();
            Long effect = writeEffectIndex.get(write);
            if (effect == null) {
                fail("no acknowledged write lost", "(client " + write.clientId + ", seq " + write.seq + ") acknowledged at index "
                        + ack.getValue() + " never took effect");
                return;
            }
            for (SimNode node : simulation.nodes()) {
                long times = node.stateMachine().timesApplied(write.clientId, write.seq);
                if (times != 1) {
                    fail("no acknowledged write lost", "node " + node.id + " applied acknowledged (client " + write.clientId
                            + ", seq " + write.seq + ") " + times + " times");
                    return;
                }
            }
        }
    }

    List<Violation> violations() {
        return violations;
    }

    long acknowledgedWrites() {
        return acknowledged.size();
    }

    long readsServed() {
        return readsServed;
    }

    long leaderChanges() {
        return leaderChanges;
    }

    long maxTerm() {
        return maxTerm;
    }

    long snapshotsReceived() {
        return snapshotsReceived;
    }

    long quotaRefusals() {
        return refusedForQuota.size();
    }

    long maxAcknowledgedIndex() {
        return maxAcknowledgedIndex;
    }
}
