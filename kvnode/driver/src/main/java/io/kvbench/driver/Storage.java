package io.kvbench.driver;

import io.kvbench.kv.KvStateCapture;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;

import java.io.IOException;
import java.util.List;

/**
 * Where the driver makes state durable: the node's WAL, or the simulator's disk. Completions come back on the
 * driver's thread through {@link ReplicaDriver#persisted()}, {@link ReplicaDriver#snapshotWritten},
 * {@link ReplicaDriver#snapshotFailed}, {@link ReplicaDriver#snapshotChunkRead},
 * {@link ReplicaDriver#snapshotChunkWritten}, {@link ReplicaDriver#receivedSnapshotFinished} and
 * {@link ReplicaDriver#storageFailed}. Snapshots are bytes in storage, never whole in memory: a leader reads its own
 * in chunks to send, a follower writes the chunks it receives, then installs them (§7, offset and done).
 */
public interface Storage {
    /**
     * Queues one Ready's hard state, snapshot (received from the leader and finished; may be null) and entries to be
     * made durable, in the order of the calls: a snapshot, then entries (an entry at or below the last one replaces it
     * and everything after it, §5.3), then the hard state. Each call is answered by exactly one
     * {@link ReplicaDriver#persisted()}, in call order, once everything of it is durable (or by
     * {@link ReplicaDriver#storageFailed}).
     *
     * @throws IOException the storage had already failed: nothing was queued
     */
    void persist(HardState hardState, List<Entry> entries, ReceivedSnapshot snapshot) throws IOException;

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

    // ---------------------------------------------------------------- a leader sends its snapshot

    /**
     * Opens the current snapshot, {@code snapshot} (the core's), to send it; it stays readable until closed.
     *
     * @throws IOException it cannot be opened (a storage failure)
     */
    SnapshotSource openSnapshot(Snapshot snapshot) throws IOException;

    /**
     * Reads up to {@code maxBytes} from {@code offset} off the driver's thread, then answers
     * {@link ReplicaDriver#snapshotChunkRead} (or {@link ReplicaDriver#storageFailed}).
     */
    void readSnapshotChunk(SnapshotSource source, long offset, int maxBytes);

    void closeSnapshot(SnapshotSource source);

    // ---------------------------------------------------------------- a follower receives one

    /**
     * Starts staging {@code snapshot}, of {@code sizeBytes}, received from the leader (replacing nothing current).
     *
     * @throws IOException it cannot be created (a storage failure)
     */
    ReceivedSnapshot receiveSnapshot(Snapshot snapshot, long sizeBytes) throws IOException;

    /**
     * Writes {@code data} at {@code offset}, where the bytes written before end, off the driver's thread; then answers
     * {@link ReplicaDriver#snapshotChunkWritten} (or {@link ReplicaDriver#storageFailed}). In call order.
     */
    void writeSnapshotChunk(ReceivedSnapshot received, long offset, byte[] data);

    /**
     * With every byte written: makes them durable and checks them whole (size, position, checksum), off the driver's
     * thread; then answers {@link ReplicaDriver#receivedSnapshotFinished}, whole or not (a damaged transfer is
     * deleted and starts again), or {@link ReplicaDriver#storageFailed}.
     */
    void finishReceivedSnapshot(ReceivedSnapshot received);

    /** Deletes a received snapshot that will not be installed (replaced, no longer needed, or the node is leaving it). */
    void discardReceivedSnapshot(ReceivedSnapshot received);

    /**
     * The state machine a finished received snapshot holds, read on the driver's thread (streamed: memory is the
     * state's, not twice it).
     *
     * @throws IOException reading failed (a storage failure)
     */
    KvStateMachine loadReceivedSnapshot(ReceivedSnapshot received) throws IOException;
}
