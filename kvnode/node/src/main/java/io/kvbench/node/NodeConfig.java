package io.kvbench.node;

import io.kvbench.net.InboundLimits;
import io.kvbench.raft.RaftConfig;
import io.kvbench.wal.SyncMode;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one node needs to run. Times are in milliseconds here; the core counts ticks of
 * {@code tickMillis} each.
 *
 * @param peerAddresses   every voter's peer address, this node's included
 * @param clientAddresses every voter's client address, this node's included, so a follower can redirect a
 *                        client to the leader
 * @param syncMode        ALWAYS makes every acknowledged write durable; NONE is for comparison only and is
 *                        reported in every status and event
 * @param inboundLimits   what the client and peer ports take in at most (connections, unfinished frames)
 */
public record NodeConfig(int nodeId, String clusterId, Map<Integer, InetSocketAddress> peerAddresses,
                         Map<Integer, InetSocketAddress> clientAddresses, Path dataDirectory, Path eventLogFile,
                         int tickMillis, int electionTimeoutMinMillis, int electionTimeoutMaxMillis,
                         int heartbeatIntervalMillis, int leaderLostTimeoutMaxMillis, boolean connectionClosedHint,
                         SyncMode syncMode, int snapshotEveryEntries, int maxSessions, long sessionTimeoutMillis,
                         int maxPendingRequests, boolean auditWrites, InboundLimits inboundLimits) {

    /** With this JVM's default inbound limits ({@link InboundLimits#defaults()}). */
    public NodeConfig(int nodeId, String clusterId, Map<Integer, InetSocketAddress> peerAddresses,
                      Map<Integer, InetSocketAddress> clientAddresses, Path dataDirectory, Path eventLogFile,
                      int tickMillis, int electionTimeoutMinMillis, int electionTimeoutMaxMillis,
                      int heartbeatIntervalMillis, int leaderLostTimeoutMaxMillis, boolean connectionClosedHint,
                      SyncMode syncMode, int snapshotEveryEntries, int maxSessions, long sessionTimeoutMillis,
                      int maxPendingRequests, boolean auditWrites) {
        this(nodeId, clusterId, peerAddresses, clientAddresses, dataDirectory, eventLogFile, tickMillis,
                electionTimeoutMinMillis, electionTimeoutMaxMillis, heartbeatIntervalMillis, leaderLostTimeoutMaxMillis,
                connectionClosedHint, syncMode, snapshotEveryEntries, maxSessions, sessionTimeoutMillis,
                maxPendingRequests, auditWrites, InboundLimits.defaults());
    }

    public NodeConfig {
        if (inboundLimits == null) throw new IllegalArgumentException("null inbound limits");
        peerAddresses = Map.copyOf(new TreeMap<>(peerAddresses));
        clientAddresses = Map.copyOf(new TreeMap<>(clientAddresses));
        if (!peerAddresses.containsKey(nodeId)) {
            throw new IllegalArgumentException("--peers must include this node's own id " + nodeId + ": " + peerAddresses.keySet());
        }
        if (!clientAddresses.containsKey(nodeId)) {
            throw new IllegalArgumentException("--clients must include this node's own id " + nodeId);
        }
        if (tickMillis <= 0) throw new IllegalArgumentException("--tick-ms must be positive");
        if (snapshotEveryEntries <= 0) throw new IllegalArgumentException("--snapshot-every must be positive");
    }

    public InetSocketAddress peerAddress() {
        return peerAddresses.get(nodeId);
    }

    public InetSocketAddress clientAddress() {
        return clientAddresses.get(nodeId);
    }

    public List<Integer> voterIds() {
        return new ArrayList<>(new TreeMap<>(peerAddresses).keySet());
    }

    /** The core's configuration, with milliseconds turned into ticks. */
    public RaftConfig raftConfig() {
        return RaftConfig.defaults(nodeId, voterIds()).withTimeouts(
                ticks(electionTimeoutMinMillis), ticks(electionTimeoutMaxMillis), ticks(heartbeatIntervalMillis),
                Math.max(1, ticks(leaderLostTimeoutMaxMillis)));
    }

    private int ticks(int millis) {
        return Math.max(1, millis / tickMillis);
    }
}
