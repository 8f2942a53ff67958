package io.kvbench.raft;

import java.util.ArrayDeque;

/**
 * The leader's view of one follower (Figure 2, nextIndex and matchIndex), with the flow control of
 * etcd-io/raft's tracker: PROBE sends one append at a time until the follower's position is known,
 * REPLICATE streams appends optimistically up to {@code maxInflight}, SNAPSHOT waits for an InstallSnapshot.
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    long matchIndex;
    long nextIndex;
    State state = State.PROBE;
    /** PROBE: an append is out and unanswered, so send no other until a reply or heartbeat reply. */
    boolean probeSent;
    /** Heard from in the current check-quorum period. */
    boolean recentlyActive;
    long pendingSnapshotIndex;
    int ticksSinceSnapshotSent;
    int ticksSinceAppendResponse;
    long readRoundAcked;
    /** Last index of each unacknowledged append in REPLICATE, oldest first. */
    final ArrayDeque<Long> inflightLastIndices = new ArrayDeque<>();

    Progress(long nextIndex) {
        this.nextIndex = nextIndex;
    }

    void becomeProbe() {
        state = State.PROBE;
        probeSent = false;
        nextIndex = matchIndex + 1;
        inflightLastIndices.clear();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        nextIndex = matchIndex + 1;
        inflightLastIndices.clear();
    }

    void becomeSnapshot(long snapshotIndex) {
        state = State.SNAPSHOT;
        pendingSnapshotIndex = snapshotIndex;
        ticksSinceSnapshotSent = 0;
        inflightLastIndices.clear();
    }

    boolean isPaused(int maxInflight) {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflightLastIndices.size() >= maxInflight;
            case SNAPSHOT -> true;
        };
    }

    /** Records an acknowledged match; false if the reply is stale. */
    boolean acknowledge(long index) {
        ticksSinceAppendResponse = 0;
        while (!inflightLastIndices.isEmpty() && inflightLastIndices.peekFirst() <= index) {
            inflightLastIndices.pollFirst();
        }
        if (index <= matchIndex) return false;
        matchIndex = index;
        nextIndex = Math.max(nextIndex, index + 1);
        return true;
    }

    @Override
    public String toString() {
        return state + "{match=" + matchIndex + ", next=" + nextIndex + ", inflight=" + inflightLastIndices.size() + "}";
    }
}
