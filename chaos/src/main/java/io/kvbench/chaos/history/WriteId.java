package io.kvbench.chaos.history;

/** A client session's name for one write: the pair the servers deduplicate on (Raft thesis §6.3). */
public record WriteId(long clientId, long sequence) {
    public WriteId {
        if (clientId < 0 || sequence < 0) {
            throw new IllegalArgumentException("clientId and sequence must be >= 0: " + clientId + "#" + sequence);
        }
    }

    @Override
    public String toString() {
        return "c" + clientId + "#" + sequence;
    }
}
