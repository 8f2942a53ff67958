package io.kvbench.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Pending ReadIndex reads on a leader (§6.4). A read is released once a majority acknowledged a heartbeat
 * round sent after the read arrived: that proves no newer leader existed when the read's index was taken.
 * Reads that arrive before the leader committed an entry of its term wait for that commit, which gives
 * them an index at least as high as any write acknowledged by an earlier leader.
 */
final class ReadIndexTracker {
    private record Pending(long requestId, long readIndex, long round) {
        boolean waitingForCommit() {
            return round == 0;
        }
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** The last heartbeat round broadcast. */
    private long round;
    private boolean heartbeatWanted;

    void add(long requestId, long commitIndex, boolean commitIndexKnown) {
        if (commitIndexKnown) {
            pending.addLast(new Pending(requestId, commitIndex, round + 1));
            heartbeatWanted = true;
        } else {
            pending.addLast(new Pending(requestId, -1, 0));
        }
    }

    /** The leader committed its first entry of the term: waiting reads take that index and need a new round. */
    void commitIndexKnown(long commitIndex) {
        int count = pending.size();
        for (int i = 0; i < count; i++) {
            Pending read = pending.pollFirst();
            pending.addLast(read.waitingForCommit() ? new Pending(read.requestId(), commitIndex, round + 1) : read);
            if (read.waitingForCommit()) heartbeatWanted = true;
        }
    }

    /** Whether reads wait for a heartbeat round that has not been sent yet. */
    boolean heartbeatWanted() {
        return heartbeatWanted;
    }

    long nextRound() {
        heartbeatWanted = false;
        return ++round;
    }

    /** Reads whose round a quorum has acknowledged, oldest first. */
    List<ReadState> release(long quorumAckedRound) {
        List<ReadState> released = new ArrayList<>();
        while (!pending.isEmpty() && !pending.peekFirst().waitingForCommit() && pending.peekFirst().round() <= quorumAckedRound) {
            Pending read = pending.pollFirst();
            released.add(new ReadState(read.requestId(), read.readIndex()));
        }
        return released;
    }

    /** Leadership lost: every pending read fails; the client retries against the new leader. */
    List<Long> clear() {
        List<Long> ids = pending.stream().map(Pending::requestId).toList();
        pending.clear();
        heartbeatWanted = false;
        return ids;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }
}
