package io.kvbench.raft;

/** What became of a proposal or read request: expected outcomes are typed values, not exceptions. */
public sealed interface ProposeResult {
    /** Appended to the leader's log at {@code index} in {@code term}; committed later, or lost if leadership is. */
    record Accepted(long index, long term) implements ProposeResult {
    }

    /** This node does not lead; {@code leaderHint} is the leader it knows of, or 0. */
    record NotLeader(int leaderHint) implements ProposeResult {
    }

    /** Refused without effect (leadership transfer in progress, too many uncommitted entries). */
    record Dropped(String reason) implements ProposeResult {
    }
}
