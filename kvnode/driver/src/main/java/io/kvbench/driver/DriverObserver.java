package io.kvbench.driver;

import io.kvbench.kv.KvResult;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.raft.Entry;
import io.kvbench.raft.Message;
import io.kvbench.raft.RoleChange;
import io.kvbench.raft.Snapshot;

import java.io.IOException;

/**
 * What happens inside the driver, for whoever watches: the node's event log and in-node measurements, the
 * simulator's invariant checker. Called on the driver's thread; implementations must be quick and must not call
 * back into the driver. Every method does nothing unless overridden.
 */
public interface DriverObserver {
    DriverObserver NONE = new DriverObserver() {
    };

    /** A role change, before the driver acts on it (answers pending requests, releases parked ones). */
    default void roleChanged(RoleChange change) {
    }

    /** As leader of {@code term}, the commit index first reached an entry of that term (its no-op, §8). */
    default void leaderReady(long term, long commitIndex) {
    }

    /** A message about to be handed to the transport. */
    default void messageSent(Message message) {
    }

    /** A peer's message, before the core steps it. */
    default void messageReceived(Message message) {
    }

    /** One Ready was handled (sent, handed to storage, applied). */
    default void readyHandled() {
    }

    /**
     * A committed entry was applied; {@code result} is null for a no-op. {@code tookEffect}: a write executed
     * against the data (not answered from its session's stored reply).
     */
    default void entryApplied(Entry entry, KvResult result, boolean tookEffect) {
    }

    /** A linearizable read confirmed at {@code readIndex} is about to be answered on {@code channel}. */
    default void readServed(ClientReplyChannel channel, long readIndex) {
    }

    /** This leader answered a write it accepted; {@code arrivedNanos} is when the runtime decoded the request. */
    default void writeAnswered(long arrivedNanos) {
    }

    /**
     * Storage failed, and every pending client was answered STORAGE_FAILED: the node takes no further part in
     * consensus and is to be stopped (fail-stop). {@code description} is what clients are told.
     */
    default void storageFailed(IOException cause, String description) {
    }

    /** A snapshot the node took became the current one; {@code appliedSince}: entries applied after its index. */
    default void snapshotInstalled(WrittenSnapshot written, long appliedSince) {
    }

    /** A snapshot the node took was dropped, for {@code reason}. */
    default void snapshotDropped(long index, String reason) {
    }

    /** As leader, this node started streaming {@code snapshot} ({@code totalBytes}) to {@code followerId} (§7). */
    default void snapshotSendStarted(int followerId, Snapshot snapshot, long totalBytes) {
    }

    /** {@code followerId} acknowledged every byte of {@code snapshot}, {@code nanos} after the transfer started. */
    default void snapshotSendFinished(int followerId, Snapshot snapshot, long totalBytes, long nanos) {
    }

    /** A transfer to {@code followerId} ended before (or without) its follower installing it, for {@code reason}. */
    default void snapshotSendStopped(int followerId, Snapshot snapshot, String reason) {
    }

    /** As follower, this node started receiving {@code snapshot} ({@code totalBytes}) from {@code leaderId}. */
    default void snapshotReceiveStarted(int leaderId, Snapshot snapshot, long totalBytes) {
    }

    /** The snapshot received whole from {@code leaderId} is being installed, {@code nanos} after its first chunk. */
    default void snapshotReceived(int leaderId, Snapshot snapshot, long totalBytes, long nanos) {
    }

    /** The staged snapshot was dropped before it was installed, for {@code reason}. */
    default void snapshotReceiveStopped(Snapshot snapshot, String reason) {
    }

    /** A graceful stop: this leader hands leadership to {@code targetId} (dissertation §3.10). */
    default void leadershipTransferStarted(int targetId) {
    }

    /** Each call goes to every one of {@code observers}, in order. */
    static DriverObserver all(DriverObserver... observers) {
        return new DriverObservers(observers);
    }
}
