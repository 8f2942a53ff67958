package io.kvbench.net;

import io.netty.buffer.ByteBufUtil;

import java.util.Set;

/**
 * What a node's peer port accepts.
 *
 * @param clusterId              connections from another cluster are refused
 * @param selfNodeId             the node this server belongs to; a Hello for another node is refused
 * @param peerNodeIds            the node ids allowed to connect (the other members)
 * @param maxFrameBytes          the largest frame accepted after the handshake, length prefix included
 * @param handshakeTimeoutMillis a connection that has not sent its Hello by then is closed
 * @param handshakeMaxFrameBytes the largest frame accepted before the handshake completed (a Hello is a few dozen
 *                               bytes): an unknown connection cannot make the node buffer a 16 MiB frame
 * @param limits                 connections (handshaken or not), frame deadline and buffer budget of the port
 */
public record PeerServerConfig(String clusterId, int selfNodeId, Set<Integer> peerNodeIds, int maxFrameBytes,
                               long handshakeTimeoutMillis, int handshakeMaxFrameBytes, PortLimits limits) {
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 5_000;

    public PeerServerConfig {
        if (clusterId == null || clusterId.isEmpty()) throw new IllegalArgumentException("clusterId is empty");
        if (selfNodeId <= 0) throw new IllegalArgumentException("node ids are positive: " + selfNodeId);
        peerNodeIds = Set.copyOf(peerNodeIds);
        if (peerNodeIds.contains(selfNodeId)) {
            throw new IllegalArgumentException("peerNodeIds contains this node " + selfNodeId);
        }
        if (handshakeTimeoutMillis <= 0) throw new IllegalArgumentException("handshake timeout must be positive");
        if (limits == null) throw new IllegalArgumentException("null port limits");
        limits.requireFits("peer port", maxFrameBytes);
        if (handshakeMaxFrameBytes > maxFrameBytes) {
            throw new IllegalArgumentException("handshake frame limit " + handshakeMaxFrameBytes + " above the frame limit " + maxFrameBytes);
        }
        int helloBytes = helloFrameBytes(clusterId);
        if (helloBytes > handshakeMaxFrameBytes) {
            throw new IllegalArgumentException("cluster id of " + ByteBufUtil.utf8Bytes(clusterId) + " bytes makes a "
                    + helloBytes + "-byte Hello, above the handshake frame limit of " + handshakeMaxFrameBytes + " bytes");
        }
    }

    /** With this JVM's default port limits and handshake frame limit ({@link InboundLimits#defaults()}). */
    public PeerServerConfig(String clusterId, int selfNodeId, Set<Integer> peerNodeIds, int maxFrameBytes,
                            long handshakeTimeoutMillis) {
        this(clusterId, selfNodeId, peerNodeIds, maxFrameBytes, handshakeTimeoutMillis,
                Math.min(InboundLimits.DEFAULT_HANDSHAKE_MAX_FRAME_BYTES, maxFrameBytes), InboundLimits.defaults().peer());
    }

    public static PeerServerConfig of(String clusterId, int selfNodeId, Set<Integer> peerNodeIds) {
        return new PeerServerConfig(clusterId, selfNodeId, peerNodeIds, WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** A node's peer port under {@code limits}. */
    public static PeerServerConfig of(String clusterId, int selfNodeId, Set<Integer> peerNodeIds, InboundLimits limits) {
        return new PeerServerConfig(clusterId, selfNodeId, peerNodeIds, WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                limits.handshakeTimeoutMillis(), limits.handshakeMaxFrameBytes(), limits.peer());
    }

    /** The size of the Hello a member of {@code clusterId} sends, length prefix included. */
    public static int helloFrameBytes(String clusterId) {
        return WireFormat.HEADER_BYTES + WireFormat.stringBytes(clusterId) + 4 + 4 + 2;
    }
}
