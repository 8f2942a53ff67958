package io.kvbench.raft;

import java.util.Arrays;

/**
 * One log entry. {@code index} and {@code term} place it in the log (§5.3); {@code data} is opaque to the
 * core: the KV state machine decodes it. A {@link EntryType#NOOP} entry is what a new leader appends at the
 * start of its term so that it can commit entries of earlier terms (§5.4.2, §8).
 */
public record Entry(long index, long term, EntryType type, byte[] data) {
    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (index <= 0) throw new IllegalArgumentException("entry index must be positive: " + index);
        if (term <= 0) throw new IllegalArgumentException("entry term must be positive: " + term);
        if (type == null) throw new IllegalArgumentException("entry type is null");
        if (data == null) data = EMPTY;
    }

    public static Entry noop(long index, long term) {
        return new Entry(index, term, EntryType.NOOP, EMPTY);
    }

    public static Entry command(long index, long term, byte[] data) {
        return new Entry(index, term, EntryType.COMMAND, data);
    }

    /** Size used to bound the bytes of one append message. */
    public int sizeBytes() {
        return 24 + data.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry e && e.index == index && e.term == term && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term);
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + type + " " + data.length + "B}";
    }
}
