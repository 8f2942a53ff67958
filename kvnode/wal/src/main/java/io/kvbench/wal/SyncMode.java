package io.kvbench.wal;

/** Whether the WAL makes writes durable. */
public enum SyncMode {
    /** Every group commit ends with {@code force()}; callbacks fire only after it returns. */
    ALWAYS,
    /**
     * No {@code force()} at all, not even for the hard state or snapshot files. For measuring what fsync costs
     * only: a crash may lose anything, including writes that were reported durable.
     */
    NONE
}
