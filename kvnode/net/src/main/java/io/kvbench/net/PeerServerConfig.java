package io.kvbench.net;

import java.util.Set;

/**
 * What a node's peer port accepts.
 *
 * @param clusterId              connections from another cluster are refused
 * @param selfNodeId             the node this server belongs to; a Hello for another node is refused
 * @param peerNodeIds            the node ids allowed to connect (the other members)
 * @param maxFrameBytes          the largest frame accepted, length prefix included
 * @param handshakeTimeoutMillis a connection that has not sent its Hello by then is closed
 */
public record PeerServerConfig(String clusterId, int selfNodeId, Set<Integer> peerNodeIds, int maxFrameBytes,
                               long handshakeTimeoutMillis) {
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 5_000;

    public PeerServerConfig {
        if (clusterId == null || clusterId.isEmpty()) throw new IllegalArgumentException("clusterId is empty");
        if (selfNodeId <= 0) throw new IllegalArgumentException("node ids are positive: " + selfNodeId);
        peerNodeIds = Set.copyOf(peerNodeIds);
        if (peerNodeIds.contains(selfNodeId)) {
            throw new IllegalArgumentException("peerNodeIds contains this node " + selfNodeId);
        }
        if (handshakeTimeoutMillis <= 0) throw new IllegalArgumentException("handshake timeout must be positive");
    }

    public static PeerServerConfig of(String clusterId, int selfNodeId, Set<Integer> peerNodeIds) {
        return new PeerServerConfig(clusterId, selfNodeId, peerNodeIds, WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }
}
