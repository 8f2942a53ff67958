package io.kvbench.driver;

import io.kvbench.raft.Message;
import io.kvbench.raft.Message.SnapshotChunk;
import io.kvbench.raft.Message.SnapshotChunkAck;
import io.kvbench.raft.Message.SnapshotRequest;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Role;
import io.kvbench.raft.Snapshot;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A follower's side of InstallSnapshot in chunks (§7). Chunks from the current leader are written in order to a staged
 * snapshot in storage; each write is acknowledged with the bytes staged so far, so the leader resumes from there after
 * a loss. Once every byte is written storage checks the whole; only then is the core handed the leader's
 * {@link SnapshotRequest} (§7's "done"), and the staged bytes are what the node installs: a snapshot partly received,
 * or damaged on the way, is never installed. One staged snapshot at a time; it survives a dropped connection (the
 * transfer resumes) but not a restart (storage deletes it; the leader starts over from 0). Driver thread only.
 */
public final class SnapshotReceiver {
    /** The transfer under way, for status. */
    public record Progress(int leaderId, Snapshot snapshot, long totalBytes, long receivedBytes, long startedNanos) {
    }

    private final Storage storage;
    private final TimeSource time;
    private final DriverObserver observer;
    private final Consumer<Message> transport;

    private ReceivedSnapshot staged;
    private int leaderId;
    private long leaderTerm;
    private long startedNanos;
    /** Bytes handed to storage to write; the next chunk must start here. */
    private long queuedBytes;
    /** Bytes storage has written. */
    private long writtenBytes;
    private boolean finishing;
    /** Checked whole; the core was told; the next Ready's snapshot must be this one. */
    private boolean complete;

    SnapshotReceiver(Storage storage, TimeSource time, DriverObserver observer, Consumer<Message> transport) {
        this.storage = storage;
        this.time = time;
        this.observer = observer;
        this.transport = transport;
    }

    /**
     * A chunk, after the core handled its term. Only chunks of the current leader in its term are taken.
     *
     * @throws IOException a staged snapshot could not be created (a storage failure)
     */
    void onChunk(SnapshotChunk chunk, RaftCore core) throws IOException {
        if (core.role() != Role.FOLLOWER || core.leaderId() != chunk.from() || core.term() != chunk.term()) return;
        if (chunk.snapshot().lastIndex() <= core.commitIndex()) {
            // We hold all of it already: the core answers the leader with its commit index and the transfer ends.
            core.step(new SnapshotRequest(chunk.from(), core.nodeId(), chunk.term(), chunk.snapshot()));
            return;
        }
        if (staged == null || !staged.snapshot().equals(chunk.snapshot()) || staged.sizeBytes() != chunk.totalBytes()) {
            if (staged != null && !replaces(chunk)) return; // a late chunk of the snapshot this one replaced
            discard("replaced by " + chunk.snapshot());
            staged = storage.receiveSnapshot(chunk.snapshot(), chunk.totalBytes());
            leaderId = chunk.from();
            leaderTerm = chunk.term();
            startedNanos = time.nanoTime();
            observer.snapshotReceiveStarted(leaderId, chunk.snapshot(), chunk.totalBytes());
        }
        leaderId = chunk.from();
        leaderTerm = chunk.term();
        if (chunk.offset() != queuedBytes || finishing || complete) {
            // A duplicate, or a gap after a lost chunk: say what is written, and the leader goes on from there. Always
            // what is written, never what is only queued: the leader's window waits on our disk, so chunks cannot
            // pile up here faster than they are written.
            acknowledge(core, staged.snapshot(), writtenBytes);
            return;
        }
        storage.writeSnapshotChunk(staged, chunk.offset(), chunk.data());
        queuedBytes += chunk.data().length;
    }

    /** A newer transfer replaces the staged one: a later term, or the same leader's newer snapshot. */
    private boolean replaces(SnapshotChunk chunk) {
        return chunk.term() > leaderTerm || chunk.snapshot().lastIndex() > staged.snapshot().lastIndex();
    }

    /** Storage wrote up to {@code endOffset}. */
    void onChunkWritten(ReceivedSnapshot received, long endOffset, RaftCore core) {
        if (received != staged) return; // discarded meanwhile
        writtenBytes = endOffset;
        acknowledge(core, staged.snapshot(), writtenBytes);
        if (writtenBytes == staged.sizeBytes() && !finishing) {
            finishing = true;
            storage.finishReceivedSnapshot(staged);
        }
    }

    /**
     * Storage checked the whole. Whole: the core gets the leader's SnapshotRequest now, and installs it in its next
     * Ready (or, if it no longer wants it, {@link #discardUnclaimed} drops it). Not whole: it was deleted; the leader is
     * told to start over.
     */
    void onFinished(ReceivedSnapshot received, boolean whole, RaftCore core) {
        if (received != staged) return;
        finishing = false;
        if (!whole) {
            // Storage deleted it. Tell the leader to start over: the same snapshot, from byte 0.
            Snapshot snapshot = staged.snapshot();
            observer.snapshotReceiveStopped(snapshot, "the bytes received failed their check; starting over");
            reset();
            acknowledge(core, snapshot, 0);
            return;
        }
        complete = true;
        core.step(new SnapshotRequest(leaderId, core.nodeId(), leaderTerm, staged.snapshot()));
    }

    /** The core installs {@code snapshot} (a Ready's): it must be the one staged and checked whole. */
    ReceivedSnapshot claim(Snapshot snapshot) {
        if (!complete || staged == null || !staged.snapshot().equals(snapshot)) {
            throw new IllegalStateException("the core installs " + snapshot + " but what is staged is "
                    + (staged == null ? "nothing" : staged.snapshot() + (complete ? "" : ", not whole")));
        }
        ReceivedSnapshot claimed = staged;
        observer.snapshotReceived(leaderId, snapshot, staged.sizeBytes(), time.nanoTime() - startedNanos);
        reset();
        return claimed;
    }

    /** After the drain that followed {@link #onFinished}: a checked snapshot the core did not take is dropped. */
    void discardUnclaimed() {
        if (complete) discard("not needed by the core");
    }

    /** A staged snapshot the core has caught up past (by appends) is no longer needed. */
    void tick(RaftCore core) {
        if (staged != null && !finishing && !complete && core.commitIndex() >= staged.snapshot().lastIndex()) {
            discard("caught up by appends");
        }
    }

    /** Whether a snapshot is being received (checked every tick: appends may catch the follower up first). */
    boolean active() {
        return staged != null;
    }

    Progress progress() {
        return staged == null ? null : new Progress(leaderId, staged.snapshot(), staged.sizeBytes(), writtenBytes, startedNanos);
    }

    private void acknowledge(RaftCore core, Snapshot snapshot, long bytes) {
        transport.accept(new SnapshotChunkAck(core.nodeId(), leaderId, core.term(), snapshot, bytes));
    }

    private void discard(String reason) {
        if (staged == null) return;
        if (!complete) observer.snapshotReceiveStopped(staged.snapshot(), reason);
        storage.discardReceivedSnapshot(staged);
        reset();
    }

    private void reset() {
        staged = null;
        queuedBytes = 0;
        writtenBytes = 0;
        finishing = false;
        complete = false;
    }
}
