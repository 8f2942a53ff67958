package io.kvbench.driver;

import io.kvbench.kv.KvStateCapture;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;

import java.io.IOException;
import java.util.List;

/**
 * Where the driver makes state durable: the node's WAL, or the simulator's disk. Completions come back on the
 * driver's thread through {@link ReplicaDriver#persisted()}, {@link ReplicaDriver#snapshotWritten},
 * {@link ReplicaDriver#snapshotFailed} and {@link ReplicaDriver#storageFailed}.
 */
public interface Storage {
    /**
     * Queues one Ready's hard state, snapshot (from the leader; may be null) and entries to be made durable, in the
     * order of the calls: a snapshot, then entries (an entry at or below the last one replaces it and everything
     * after it, §5.3), then the hard state. Each call is answered by exactly one {@link ReplicaDriver#persisted()},
     * in call order, once everything of it is durable (or by {@link ReplicaDriver#storageFailed}).
     *
     * @throws IOException the storage had already failed: nothing was queued
     */
    void persist(HardState hardState, List<Entry> entries, Snapshot snapshot) throws IOException;

    /**
     * Serializes and writes {@code capture} as a snapshot whose last entry has {@code term}, off the driver's
     * thread, then answers {@link ReplicaDriver#snapshotWritten} (or {@link ReplicaDriver#snapshotFailed}). The
     * written snapshot is not yet the current one: until {@link #installSnapshot}, a crash keeps the previous one.
     *
     * @param captureNanos how long the driver took to capture the state, for the snapshot's report
     */
    void writeSnapshot(KvStateCapture capture, long term, long captureNanos);

    /**
     * Makes a written snapshot the current one after everything queued before it, then drops the log it covers (§7).
     *
     * @throws IOException the storage had already failed: nothing was queued
     */
    void installSnapshot(WrittenSnapshot written) throws IOException;

    /** Deletes a written snapshot that will not be installed (the leader sent a newer one meanwhile). */
    void discardSnapshot(WrittenSnapshot written);
}
