package io.kvbench.sim;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.ProposedCommand;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Message;
import io.kvbench.raft.Role;
import io.kvbench.raft.RoleChange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safety properties of Raft (Figure 3) and of client sessions, checked as the simulation runs
 * (TigerBeetle's {@code state_checker.zig}): election safety, log matching, leader completeness, state
 * machine safety, no acknowledged write lost, each (client id, sequence number) applied at most once, and
 * linearizable reads (a read reflects every write acknowledged before it began).
 */
final class InvariantChecker {
    private static final int LOG_MATCHING_EVERY_EVENTS = 64;

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
        HardState durable = node.durableHardState;
        if (node.config.voterIds().size() > 1 && (durable.term() != change.term() || durable.votedFor() != node.id)) {
            fail("durable vote", "node " + node.id + " leads term " + change.term() + " on " + durable);
        }
        checkLeaderCompleteness(node);
    }

    // §5.4 Leader Completeness: a leader's log holds every entry committed in earlier terms.
    private void checkLeaderCompleteness(SimNode leader) {
        for (Map.Entry<Long, Entry> e : committed.tailMap(leader.core.firstIndex(), true).entrySet()) {
            long index = e.getKey();
            if (leader.core.termAt(index) != e.getValue().term()) {
                fail("leader completeness", "new leader " + leader.id + " of term " + leader.core.term()
                        + " lacks committed " + e.getValue() + " (has term " + leader.core.termAt(index) + ")");
                return;
            }
        }
    }

    /** After a node's Ready was handled: record what it now considers committed. */
    void afterDrain(SimNode node) {
        long commit = node.core.commitIndex();
        if (commit > node.core.lastIndex()) {
            fail("commit within log", "node " + node.id + " commit " + commit + " beyond last index " + node.core.lastIndex());
            return;
        }
        for (long index = Math.max(node.recordedCommitIndex + 1, node.core.firstIndex()); index <= commit; index++) {
            Entry entry = node.core.entryAt(index);
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
        long times = node.stateMachine.timesApplied(write.clientId(), write.seq());
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

    void onClientAcknowledged(SimClient client, Simulation.Outcome.Ok ok) {
        maxAcknowledgedIndex = Math.max(maxAcknowledgedIndex, ok.index());
        if (client.awaiting instanceof KvCommand.Write write) {
            acknowledged.put(new ClientSeq(write.clientId(), write.seq()), ok.index());
            Entry entry = applied.get(ok.index());
            if (entry == null) fail("acknowledged only when applied", "client " + client.index + " acknowledged at unapplied index " + ok.index());
        }
    }

    // §6.4: a linearizable read reflects every write acknowledged before the read was invoked.
    void onReadServed(SimNode node, SimNode.PendingRead read, long readIndex) {
        readsServed++;
        if (readIndex < read.maxAckedIndexAtInvoke()) {
            fail("linearizable read", "node " + node.id + " served a read at index " + readIndex
                    + " but index " + read.maxAckedIndexAtInvoke() + " was acknowledged before the read began");
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
                long low = Math.max(x.core.firstIndex(), y.core.firstIndex());
                long high = Math.min(x.core.lastIndex(), y.core.lastIndex());
                long match = high;
                while (match >= low && x.core.termAt(match) != y.core.termAt(match)) match--;
                for (long index = low; index <= match; index++) {
                    if (!x.core.entryAt(index).equals(y.core.entryAt(index))) {
                        fail("log matching", "nodes " + x.id + " and " + y.id + " agree at " + match + " but differ at " + index
                                + ": " + x.core.entryAt(index) + " vs " + y.core.entryAt(index));
                        return;
                    }
                }
            }
        }
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
        HardState recovered = node.durableHardState;
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
            for (SimNode node : simulation.nodes()) nodes.append("\n    ").append(node.up ? node.core.toString() : node.id + " down");
            fail("liveness", "not settled " + simulation.options().livenessBoundTicks() + " ticks after healing: leader="
                    + (leader == null ? "none" : leader.id) + ", clients waiting=" + pending + nodes);
            return;
        }
        checkLogMatching();
        for (Map.Entry<ClientSeq, Long> ack : acknowledged.entrySet()) {
            ClientSeq write = ack.getKey();
            Long effect = writeEffectIndex.get(write);
            if (effect == null) {
                fail("no acknowledged write lost", "(client " + write.clientId + ", seq " + write.seq + ") acknowledged at index "
                        + ack.getValue() + " never took effect");
                return;
            }
            for (SimNode node : simulation.nodes()) {
                long times = node.stateMachine.timesApplied(write.clientId, write.seq);
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

    long maxAcknowledgedIndex() {
        return maxAcknowledgedIndex;
    }
}
