package io.kvbench.raft;

/**
 * A state machine snapshot that replaces the log up to and including {@code lastIndex} (§7). {@code data}
 * is opaque to the core (the KV state machine's serialized form).
 */
public record Snapshot(long lastIndex, long lastTerm, byte[] data) {
    public static final Snapshot EMPTY = new Snapshot(0, 0, new byte[0]);

    public Snapshot {
        if (lastIndex < 0 || lastTerm < 0) {
            throw new IllegalArgumentException("negative snapshot position " + lastIndex + "@" + lastTerm);
        }
        if (data == null) data = new byte[0];
    }

    public boolean isEmpty() {
        return lastIndex == 0;
    }

    @Override
    public String toString() {
        return "Snapshot{" + lastIndex + "@" + lastTerm + " " + data.length + "B}";
    }
}
