package io.kvbench.raft;

/**
 * A confirmed ReadIndex read (§6.4): once the state machine has applied {@code readIndex}, the read
 * identified by {@code requestId} may be served from local state and is linearizable.
 */
public record ReadState(long requestId, long readIndex) {
}
