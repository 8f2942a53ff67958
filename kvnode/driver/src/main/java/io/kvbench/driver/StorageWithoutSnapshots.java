package io.kvbench.driver;

import io.kvbench.kv.KvStateCapture;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.raft.Snapshot;

/**
 * Storage for drivers that never take, send or receive a snapshot (the node's warm-up cluster, tests of the Ready
 * order): every snapshot operation throws, naming {@code owner}.
 */
public abstract class StorageWithoutSnapshots implements Storage {
    private final String owner;

    protected StorageWithoutSnapshots(String owner) {
        this.owner = owner;
    }

    private IllegalStateException noSnapshots() {
        return new IllegalStateException(owner + " takes no snapshots");
    }

    @Override
    public void writeSnapshot(KvStateCapture capture, long term, long captureNanos) {
        throw noSnapshots();
    }

    @Override
    public void installSnapshot(WrittenSnapshot written) {
        throw noSnapshots();
    }

    @Override
    public void discardSnapshot(WrittenSnapshot written) {
        throw noSnapshots();
    }

    @Override
    public SnapshotSource openSnapshot(Snapshot snapshot) {
        throw noSnapshots();
    }

    @Override
    public void readSnapshotChunk(SnapshotSource source, long offset, int maxBytes) {
        throw noSnapshots();
    }

    @Override
    public void closeSnapshot(SnapshotSource source) {
        throw noSnapshots();
    }

    @Override
    public ReceivedSnapshot receiveSnapshot(Snapshot snapshot, long sizeBytes) {
        throw noSnapshots();
    }

    @Override
    public void writeSnapshotChunk(ReceivedSnapshot received, long offset, byte[] data) {
        throw noSnapshots();
    }

    @Override
    public void finishReceivedSnapshot(ReceivedSnapshot received) {
        throw noSnapshots();
    }

    @Override
    public void discardReceivedSnapshot(ReceivedSnapshot received) {
        throw noSnapshots();
    }

    @Override
    public KvStateMachine loadReceivedSnapshot(ReceivedSnapshot received) {
        throw noSnapshots();
    }
}
