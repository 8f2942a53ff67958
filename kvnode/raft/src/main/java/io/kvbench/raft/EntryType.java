package io.kvbench.raft;

/** What an entry carries. The wire and WAL encodings use {@link #code()}; never reorder. */
public enum EntryType {
    /** Appended by a new leader at the start of its term (§8); applies to nothing. */
    NOOP(0),
    /** A state machine command, opaque to the core. */
    COMMAND(1);

    private final int code;

    EntryType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static EntryType fromCode(int code) {
        for (EntryType type : values()) {
            if (type.code == code) return type;
        }
        throw new IllegalArgumentException("unknown entry type code " + code);
    }
}
