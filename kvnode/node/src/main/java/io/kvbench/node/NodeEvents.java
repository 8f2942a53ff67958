package io.kvbench.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.driver.DriverObserver;
import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.raft.RoleChange;
import io.kvbench.raft.Snapshot;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The driver's events in the node's event log: role changes and leader_ready (which the chaos suite times elections
 * by), snapshots, storage failure (after which the runtime stops), leadership transfer.
 */
final class NodeEvents implements DriverObserver {
    private final int nodeId;
    private final EventLog eventLog;
    private final Consumer<IOException> afterStorageFailure;

    /** @param afterStorageFailure runs once the failure is in the event log: the runtime stops (fail-stop) */
    NodeEvents(int nodeId, EventLog eventLog, Consumer<IOException> afterStorageFailure) {
        this.nodeId = nodeId;
        this.eventLog = eventLog;
        this.afterStorageFailure = afterStorageFailure;
    }

    @Override
    public void roleChanged(RoleChange change) {
        ObjectNode event = eventLog.event("role");
        event.put("role", change.role().name());
        event.put("term", change.term());
        event.put("leader", change.leaderId());
        eventLog.write(event);
    }

    /** Written so a campaign can split "elected" from "serving" (chaos's leader_ready timing). */
    @Override
    public void leaderReady(long term, long commitIndex) {
        ObjectNode event = eventLog.event("leader_ready");
        event.put("term", term);
        event.put("commit_index", commitIndex);
        eventLog.write(event);
    }

    @Override
    public void storageFailed(IOException cause, String description) {
        ObjectNode event = eventLog.event("storage_failed");
        event.put("error", String.valueOf(cause.getMessage()));
        eventLog.write(event);
        afterStorageFailure.accept(cause);
    }

    @Override
    public void snapshotInstalled(WrittenSnapshot written, long appliedSince) {
        ObjectNode event = eventLog.event("snapshot");
        event.put("index", written.snapshot().lastIndex());
        event.put("term", written.snapshot().lastTerm());
        event.put("bytes", written.sizeBytes());
        event.put("capture_us", written.captureNanos() / 1_000);
        event.put("write_us", written.writeNanos() / 1_000);
        event.put("applied_since", appliedSince);
        eventLog.write(event);
    }

    @Override
    public void snapshotDropped(long index, String reason) {
        ObjectNode event = eventLog.event("snapshot_dropped");
        event.put("index", index);
        event.put("reason", reason);
        eventLog.write(event);
    }

    @Override
    public void snapshotSendStarted(int followerId, Snapshot snapshot, long totalBytes) {
        ObjectNode event = snapshotEvent("snapshot_send_started", snapshot);
        event.put("peer", followerId);
        event.put("bytes", totalBytes);
        eventLog.write(event);
    }

    @Override
    public void snapshotSendFinished(int followerId, Snapshot snapshot, long totalBytes, long nanos) {
        ObjectNode event = snapshotEvent("snapshot_sent", snapshot);
        event.put("peer", followerId);
        event.put("bytes", totalBytes);
        event.put("elapsed_ms", nanos / 1_000_000);
        eventLog.write(event);
    }

    @Override
    public void snapshotSendStopped(int followerId, Snapshot snapshot, String reason) {
        ObjectNode event = snapshotEvent("snapshot_send_stopped", snapshot);
        event.put("peer", followerId);
        event.put("reason", reason);
        eventLog.write(event);
    }

    @Override
    public void snapshotReceiveStarted(int leaderId, Snapshot snapshot, long totalBytes) {
        ObjectNode event = snapshotEvent("snapshot_receive_started", snapshot);
        event.put("leader", leaderId);
        event.put("bytes", totalBytes);
        eventLog.write(event);
    }

    @Override
    public void snapshotReceived(int leaderId, Snapshot snapshot, long totalBytes, long nanos) {
        ObjectNode event = snapshotEvent("snapshot_received", snapshot);
        event.put("leader", leaderId);
        event.put("bytes", totalBytes);
        event.put("elapsed_ms", nanos / 1_000_000);
        eventLog.write(event);
    }

    @Override
    public void snapshotReceiveStopped(Snapshot snapshot, String reason) {
        ObjectNode event = snapshotEvent("snapshot_receive_stopped", snapshot);
        event.put("reason", reason);
        eventLog.write(event);
    }

    private ObjectNode snapshotEvent(String name, Snapshot snapshot) {
        ObjectNode event = eventLog.event(name);
        event.put("index", snapshot.lastIndex());
        event.put("term", snapshot.lastTerm());
        return event;
    }

    @Override
    public void leadershipTransferStarted(int targetId) {
        ObjectNode event = eventLog.event("transfer");
        event.put("target", targetId);
        eventLog.write(event);
    }
}
