package io.kvbench.driver;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the driver needs beyond the core's own configuration.
 *
 * @param nodeId                this node's id, for messages to clients
 * @param clientAddresses       every voter's client address, so a follower can redirect a client to the leader
 * @param connectionClosedHint  act on "the connection from peer X closed" (the fast-failover hint)
 * @param maxPendingRequests    client requests proposed or reading and not yet answered; more are refused OVERLOADED
 * @param maxParkedRequests     client requests held while no leader is known; beyond it they are answered NotLeader
 * @param parkTimeoutNanos      how long a request is held while no leader is known, then answered NotLeader
 * @param snapshotEveryEntries  take a snapshot (and compact the log, §7) every this many applied entries
 * @param snapshotEveryLogBytes ... or once the entries applied since the last one hold this many bytes, whichever
 *                              comes first: with large values the count alone let the log outgrow the heap
 * @param quotaBytes            the quota this node stamps, as leader, on every write it proposes: the bytes the
 *                              replicated state may hold (the state machine refuses writes beyond it); 0: none
 * @param snapshotChunkBytes    a snapshot travels to a follower in chunks of at most this many bytes (§7)
 * @param snapshotWindowChunks  chunks sent to one follower and not yet acknowledged, at most
 * @param appendAcksPerTurn     a follower sends one acknowledgement per leader and {@link ReplicaDriver#drain} (the
 *                              highest index made durable), not one per append it persisted; off by default (issue 19:
 *                              kept only if an interleaved A/B says it pays)
 */
public record DriverConfig(int nodeId, Map<Integer, InetSocketAddress> clientAddresses, boolean connectionClosedHint,
                           int maxPendingRequests, int maxParkedRequests, long parkTimeoutNanos,
                           long snapshotEveryEntries, long snapshotEveryLogBytes, long quotaBytes,
                           int snapshotChunkBytes, int snapshotWindowChunks, boolean appendAcksPerTurn) {
    /** 1 MiB: a sixteenth of the peer frame limit, and two of them fit any peer inbound budget (docs/limits.md). */
    public static final int DEFAULT_SNAPSHOT_CHUNK_BYTES = 1 << 20;
    public static final int DEFAULT_SNAPSHOT_WINDOW_CHUNKS = 4;

    public DriverConfig {
        clientAddresses = Map.copyOf(new TreeMap<>(clientAddresses));
        if (maxPendingRequests <= 0) throw new IllegalArgumentException("maxPendingRequests must be positive");
        if (maxParkedRequests < 0) throw new IllegalArgumentException("maxParkedRequests must not be negative");
        if (parkTimeoutNanos < 0) throw new IllegalArgumentException("parkTimeoutNanos must not be negative");
        if (snapshotEveryEntries <= 0) throw new IllegalArgumentException("snapshotEveryEntries must be positive");
        if (snapshotEveryLogBytes <= 0) throw new IllegalArgumentException("snapshotEveryLogBytes must be positive");
        if (quotaBytes < 0) throw new IllegalArgumentException("quotaBytes must not be negative");
        if (snapshotChunkBytes <= 0 || snapshotWindowChunks <= 0) {
            throw new IllegalArgumentException("snapshot chunk size and window must be positive");
        }
    }

    /** No quota, snapshots by count only, default chunks. */
    public DriverConfig(int nodeId, Map<Integer, InetSocketAddress> clientAddresses, boolean connectionClosedHint,
                        int maxPendingRequests, int maxParkedRequests, long parkTimeoutNanos, long snapshotEveryEntries) {
        this(nodeId, clientAddresses, connectionClosedHint, maxPendingRequests, maxParkedRequests, parkTimeoutNanos,
                snapshotEveryEntries, Long.MAX_VALUE, 0, DEFAULT_SNAPSHOT_CHUNK_BYTES, DEFAULT_SNAPSHOT_WINDOW_CHUNKS, false);
    }

    public DriverConfig withByteLimits(long everyLogBytes, long quota) {
        return new DriverConfig(nodeId, clientAddresses, connectionClosedHint, maxPendingRequests, maxParkedRequests,
                parkTimeoutNanos, snapshotEveryEntries, everyLogBytes, quota, snapshotChunkBytes, snapshotWindowChunks,
                appendAcksPerTurn);
    }

    public DriverConfig withSnapshotChunks(int chunkBytes, int windowChunks) {
        return new DriverConfig(nodeId, clientAddresses, connectionClosedHint, maxPendingRequests, maxParkedRequests,
                parkTimeoutNanos, snapshotEveryEntries, snapshotEveryLogBytes, quotaBytes, chunkBytes, windowChunks,
                appendAcksPerTurn);
    }

    public DriverConfig withAppendAcksPerTurn(boolean perTurn) {
        return new DriverConfig(nodeId, clientAddresses, connectionClosedHint, maxPendingRequests, maxParkedRequests,
                parkTimeoutNanos, snapshotEveryEntries, snapshotEveryLogBytes, quotaBytes, snapshotChunkBytes,
                snapshotWindowChunks, perTurn);
    }
}
