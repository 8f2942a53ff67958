package io.kvbench.node;

import io.kvbench.raft.Message;
import java.util.ArrayDeque;

/**
 * Times replication as a 3-node commit waits for it: from the leader first sending entries to a follower to the first
 * follower's success acknowledgement covering them (the network both ways, that follower's inbox, processing and WAL
 * commit, and the ack's wait in the leader's inbox), into {@link NodeLatencies#recordReplication}. With three nodes
 * that first acknowledgement and the leader's own fsync are what a commit needs; the slower follower's later
 * acknowledgement is not timed; entries sent again count from their first send (a resend's or probe's delay is
 * included). Only the current term's sends and acknowledgements count: an acknowledgement from an earlier term, late,
 * must not close a send of this one. Core thread only; at most {@link #MAX_PENDING} sends are remembered (the oldest
 * go first), so followers that never answer cost bounded memory.
 */
final class ReplicationTimer {
    static final int MAX_PENDING = 4096;

    private record Sent(long lastIndex, long sentNanos) {
    }

    private final NodeLatencies latencies;
    private final ArrayDeque<Sent> pending = new ArrayDeque<>();
    private long lastSentIndex;
    private long term;

    ReplicationTimer(NodeLatencies latencies) {
        this.latencies = latencies;
    }

    /** A message this node is about to send. */
    void onSent(Message message, long nowNanos) {
        if (!(message instanceof Message.AppendRequest append) || append.entries().isEmpty()) return;
        if (append.term() != term) { // leading in a new term: what was pending belongs to the old one
            reset();
            term = append.term();
        }
        long lastIndex = append.entries().get(append.entries().size() - 1).index();
        if (lastIndex <= lastSentIndex) return; // the same entries to the other follower, or sent again
        lastSentIndex = lastIndex;
        if (pending.size() >= MAX_PENDING) pending.pollFirst();
        pending.addLast(new Sent(lastIndex, nowNanos));
    }

    /** A message this node received, before the core steps it. */
    void onReceived(Message message, long nowNanos) {
        if (!(message instanceof Message.AppendResponse response) || !response.success() || response.term() != term) return;
        while (!pending.isEmpty() && pending.peekFirst().lastIndex() <= response.matchIndex()) {
            latencies.recordReplication(nowNanos - pending.pollFirst().sentNanos());
        }
    }

    /** No longer leader: what was sent in the old term is not waited for; a new term may reuse its indexes. */
    void reset() {
        pending.clear();
        lastSentIndex = 0;
        term = 0;
    }

    int pendingCount() {
        return pending.size();
    }
}
