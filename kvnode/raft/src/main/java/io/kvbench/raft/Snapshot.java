package io.kvbench.raft;

/**
 * Where a state machine snapshot ends (§7): it replaces the log up to and including {@code lastIndex}, whose entry
 * has {@code lastTerm}. The core needs nothing more: the snapshot's bytes live in storage (the node's snapshot file,
 * the simulator's disk) and travel between nodes in chunks that the driver streams (§7's offset and done; etcd and
 * Ratis do the same), so no node ever holds a whole serialized snapshot in memory or in one message.
 */
public record Snapshot(long lastIndex, long lastTerm) {
    public static final Snapshot EMPTY = new Snapshot(0, 0);

    public Snapshot {
        if (lastIndex < 0 || lastTerm < 0) {
            throw new IllegalArgumentException("negative snapshot position " + lastIndex + "@" + lastTerm);
        }
    }

    public boolean isEmpty() {
        return lastIndex == 0;
    }

    @Override
    public String toString() {
        return "Snapshot{" + lastIndex + "@" + lastTerm + "}";
    }
}
