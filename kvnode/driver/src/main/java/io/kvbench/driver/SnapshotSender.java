package io.kvbench.driver;

import io.kvbench.raft.FollowerProgress;
import io.kvbench.raft.Message;
import io.kvbench.raft.Message.SnapshotChunk;
import io.kvbench.raft.Message.SnapshotChunkAck;
import io.kvbench.raft.Message.SnapshotRequest;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Snapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A leader's side of InstallSnapshot in chunks (§7: offset and done; etcd-io/raft and Ratis stream snapshots the same
 * way). The core says which follower needs its snapshot (a {@link SnapshotRequest}); this streams the snapshot's bytes
 * from storage, a chunk at a time, at most a window of them unacknowledged, so neither side holds the snapshot in
 * memory and no frame comes near the peer frame limit. The follower acknowledges what it has staged; after a lost
 * chunk or a dropped connection the transfer resumes from there (a follower that lost its staged bytes says 0 and it
 * starts over). Driver thread only.
 */
public final class SnapshotSender {
    /** One follower's transfer, for status. */
    public record Progress(int followerId, Snapshot snapshot, long totalBytes, long sentBytes, long acknowledgedBytes,
                    long startedNanos) {
    }

    private static final class Transfer {
        final int followerId;
        final SnapshotSource source;
        final long startedNanos;
        /** Bytes the follower says it staged, in order. */
        long acknowledgedBytes;
        /** Bytes asked of storage so far (read, or being read, then sent). */
        long requestedBytes;
        int ticksWithoutProgress;
        /** The acknowledged position last resent from on a repeated acknowledgement (once per position, not per ack). */
        long resentFrom = -1;
        boolean finishedReported;

        Transfer(int followerId, SnapshotSource source, long startedNanos) {
            this.followerId = followerId;
            this.source = source;
            this.startedNanos = startedNanos;
        }

        long totalBytes() {
            return source.sizeBytes();
        }
    }

    private final DriverConfig config;
    private final Storage storage;
    private final TimeSource time;
    private final DriverObserver observer;
    private final Consumer<Message> transport;
    private final Map<Integer, Transfer> byFollower = new TreeMap<>();

    SnapshotSender(DriverConfig config, Storage storage, TimeSource time, DriverObserver observer, Consumer<Message> transport) {
        this.config = config;
        this.storage = storage;
        this.time = time;
        this.observer = observer;
        this.transport = transport;
    }

    /**
     * The core (leader) asks for its snapshot to reach a follower. The core asks again only when it heard no
     * acknowledgement for an election timeout: the same snapshot already on its way is then resent from what the follower
     * last acknowledged, or, if it acknowledged every byte but has not installed it, its last chunk is resent, which
     * the follower answers with what it holds (all of it, or 0 if it lost it: then the transfer starts over). Another
     * snapshot replaces the transfer.
     *
     * @throws IOException the snapshot cannot be opened (a storage failure)
     */
    void request(SnapshotRequest request) throws IOException {
        Transfer current = byFollower.get(request.to());
        if (current != null && current.source.snapshot().equals(request.snapshot())) {
            if (current.acknowledgedBytes == current.totalBytes()) {
                current.acknowledgedBytes = Math.max(0, current.totalBytes() - config.snapshotChunkBytes());
            }
            current.requestedBytes = current.acknowledgedBytes;
            pump(current);
            return;
        }
        if (current != null) close(current, "replaced by " + request.snapshot());
        SnapshotSource source = storage.openSnapshot(request.snapshot());
        Transfer transfer = new Transfer(request.to(), source, time.nanoTime());
        byFollower.put(request.to(), transfer);
        observer.snapshotSendStarted(request.to(), source.snapshot(), source.sizeBytes());
        pump(transfer);
    }

    /** The follower staged {@code ack.receivedBytes()} bytes (the core has already handled the ack's term). */
    void onAck(SnapshotChunkAck ack) {
        Transfer transfer = byFollower.get(ack.from());
        if (transfer == null || !transfer.source.snapshot().equals(ack.snapshot())) return;
        long received = Math.min(ack.receivedBytes(), transfer.totalBytes());
        if (received > transfer.acknowledgedBytes) {
            transfer.acknowledgedBytes = received;
            transfer.ticksWithoutProgress = 0;
        } else if (received < transfer.acknowledgedBytes) {
            // The follower lost what it had staged (it restarted, or the whole failed its check): start over there.
            transfer.acknowledgedBytes = received;
            transfer.requestedBytes = received;
            transfer.finishedReported = false;
        } else if (received < transfer.requestedBytes && transfer.resentFrom != received) {
            // The same position again while later chunks are out: the follower saw a gap (a chunk was lost, or overtaken).
            // Resend from there at once, but once per position: the chunks already on their way repeat this ack.
            transfer.resentFrom = received;
            transfer.requestedBytes = received;
        }
        transfer.requestedBytes = Math.max(transfer.requestedBytes, transfer.acknowledgedBytes);
        if (transfer.acknowledgedBytes == transfer.totalBytes() && !transfer.finishedReported) {
            transfer.finishedReported = true;
            observer.snapshotSendFinished(transfer.followerId, transfer.source.snapshot(), transfer.totalBytes(),
                    time.nanoTime() - transfer.startedNanos);
        }
        pump(transfer);
    }

    /** Storage read a chunk: send it, unless the transfer moved on (closed, or resumed from elsewhere) meanwhile. */
    void onChunkRead(SnapshotSource source, long offset, byte[] data, RaftCore core) {
        Transfer transfer = null;
        for (Transfer candidate : byFollower.values()) {
            if (candidate.source == source) transfer = candidate;
        }
        if (transfer == null || offset < transfer.acknowledgedBytes || offset >= transfer.requestedBytes) return;
        transport.accept(new SnapshotChunk(core.nodeId(), transfer.followerId, core.term(), source.snapshot(),
                transfer.totalBytes(), offset, data));
    }

    /**
     * One tick: transfers the core no longer wants (the follower caught up, or the leader moved to a newer snapshot)
     * are closed; one with no acknowledgement for an election timeout is resumed from what the follower last
     * acknowledged (chunks were lost: a dropped connection drops what it held).
     */
    void tick(RaftCore core) {
        Map<Integer, Long> wanted = new TreeMap<>();
        for (FollowerProgress progress : core.followerProgress()) {
            if (progress.snapshotIndex() > 0) wanted.put(progress.followerId(), progress.snapshotIndex());
        }
        Iterator<Transfer> transfers = byFollower.values().iterator();
        while (transfers.hasNext()) {
            Transfer transfer = transfers.next();
            Long index = wanted.get(transfer.followerId);
            if (index == null || index != transfer.source.snapshot().lastIndex()) {
                transfers.remove();
                storage.closeSnapshot(transfer.source);
                observer.snapshotSendStopped(transfer.followerId, transfer.source.snapshot(),
                        index == null ? "the follower no longer needs it" : "the leader has a newer snapshot");
                continue;
            }
            if (transfer.acknowledgedBytes < transfer.totalBytes()
                    && ++transfer.ticksWithoutProgress >= core.config().electionTimeoutMinTicks()) {
                transfer.ticksWithoutProgress = 0;
                transfer.requestedBytes = transfer.acknowledgedBytes;
                pump(transfer);
            }
        }
    }

    /** Leadership lost: every transfer stops (a new leader sends its own snapshot). */
    void stopAll(String reason) {
        for (Transfer transfer : byFollower.values()) {
            storage.closeSnapshot(transfer.source);
            observer.snapshotSendStopped(transfer.followerId, transfer.source.snapshot(), reason);
        }
        byFollower.clear();
    }

    /** Whether a transfer is under way (its stalls are checked every tick). */
    boolean active() {
        return !byFollower.isEmpty();
    }

    List<Progress> progress() {
        List<Progress> out = new ArrayList<>(byFollower.size());
        for (Transfer t : byFollower.values()) {
            out.add(new Progress(t.followerId, t.source.snapshot(), t.totalBytes(), t.requestedBytes, t.acknowledgedBytes,
                    t.startedNanos));
        }
        return out;
    }

    /** Asks storage for chunks until a window of them is unacknowledged. */
    private void pump(Transfer transfer) {
        long window = (long) config.snapshotChunkBytes() * config.snapshotWindowChunks();
        while (transfer.requestedBytes < transfer.totalBytes()
                && transfer.requestedBytes - transfer.acknowledgedBytes < window) {
            int length = (int) Math.min(config.snapshotChunkBytes(), transfer.totalBytes() - transfer.requestedBytes);
            long offset = transfer.requestedBytes;
            transfer.requestedBytes += length;
            storage.readSnapshotChunk(transfer.source, offset, length);
        }
    }

    private void close(Transfer transfer, String reason) {
        byFollower.remove(transfer.followerId);
        storage.closeSnapshot(transfer.source);
        observer.snapshotSendStopped(transfer.followerId, transfer.source.snapshot(), reason);
    }
}
