package io.kvbench.raft;

/**
 * The state that must be on stable storage before the core's messages that depend on it leave the node
 * (Figure 2, "Persistent state on all servers"). {@code votedFor} is 0 when this node has not voted in
 * {@code term}. {@code commitIndex} is persisted as a hint only (etcd does the same): it lets a restarted
 * node re-apply committed entries without waiting for a leader.
 */
public record HardState(long term, int votedFor, long commitIndex) {
    public static final int NO_VOTE = 0;
    public static final HardState INITIAL = new HardState(0, NO_VOTE, 0);

    public HardState {
        if (term < 0) throw new IllegalArgumentException("negative term " + term);
        if (votedFor < 0) throw new IllegalArgumentException("negative vote " + votedFor);
        if (commitIndex < 0) throw new IllegalArgumentException("negative commit index " + commitIndex);
    }
}
