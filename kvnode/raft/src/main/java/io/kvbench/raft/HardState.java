package io.kvbench.raft;

/**
 * The state that must be on stable storage before any message that depends on it leaves the node
 * (Figure 2, "Persistent state on all servers": currentTerm and votedFor; the log is persisted separately).
 * {@code votedFor} is {@link #NO_VOTE} when this node has not voted in {@code term}.
 */
public record HardState(long term, int votedFor) {
    public static final int NO_VOTE = 0;
    public static final HardState INITIAL = new HardState(0, NO_VOTE);

    public HardState {
        if (term < 0) throw new IllegalArgumentException("negative term " + term);
        if (votedFor < 0) throw new IllegalArgumentException("negative vote " + votedFor);
    }
}
