package io.kvbench.net;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * How a node connects to the other members.
 *
 * @param clusterId              sent in the Hello and required in the HelloOk
 * @param selfNodeId             this node
 * @param peerAddresses          each other member's peer port, by node id
 * @param maxFrameBytes          the largest frame sent or accepted, length prefix included
 * @param outboundBufferBytes    bytes queued on one connection beyond which messages are dropped
 * @param connectTimeoutMillis   how long one connection attempt may take
 * @param handshakeTimeoutMillis how long to wait for the HelloOk before giving up on a connection
 * @param initialBackoffMillis   first wait before reconnecting
 * @param maxBackoffMillis       longest wait before reconnecting
 */
public record PeerConnectionsConfig(String clusterId, int selfNodeId, Map<Integer, InetSocketAddress> peerAddresses,
                                    int maxFrameBytes, int outboundBufferBytes, long connectTimeoutMillis,
                                    long handshakeTimeoutMillis, long initialBackoffMillis, long maxBackoffMillis) {
    public static final int DEFAULT_OUTBOUND_BUFFER_BYTES = 64 * 1024 * 1024;
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 1_000;
    public static final long DEFAULT_INITIAL_BACKOFF_MILLIS = 50;
    public static final long DEFAULT_MAX_BACKOFF_MILLIS = 2_000;

    public PeerConnectionsConfig {
        if (clusterId == null || clusterId.isEmpty()) throw new IllegalArgumentException("clusterId is empty");
        if (selfNodeId <= 0) throw new IllegalArgumentException("node ids are positive: " + selfNodeId);
        peerAddresses = Map.copyOf(peerAddresses);
        if (peerAddresses.containsKey(selfNodeId)) {
            throw new IllegalArgumentException("peerAddresses contains this node " + selfNodeId);
        }
        if (maxFrameBytes < WireFormat.HEADER_BYTES) throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes);
        if (outboundBufferBytes <= 0) throw new IllegalArgumentException("outboundBufferBytes " + outboundBufferBytes);
    }

    public static PeerConnectionsConfig of(String clusterId, int selfNodeId, Map<Integer, InetSocketAddress> peerAddresses) {
        return new PeerConnectionsConfig(clusterId, selfNodeId, peerAddresses, WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                DEFAULT_OUTBOUND_BUFFER_BYTES, DEFAULT_CONNECT_TIMEOUT_MILLIS,
                PeerServerConfig.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, DEFAULT_INITIAL_BACKOFF_MILLIS,
                DEFAULT_MAX_BACKOFF_MILLIS);
    }

    public PeerConnectionsConfig withBackoffMillis(long initialMillis, long maxMillis) {
        return new PeerConnectionsConfig(clusterId, selfNodeId, peerAddresses, maxFrameBytes, outboundBufferBytes,
                connectTimeoutMillis, handshakeTimeoutMillis, initialMillis, maxMillis);
    }

    public PeerConnectionsConfig withOutboundBufferBytes(int bytes) {
        return new PeerConnectionsConfig(clusterId, selfNodeId, peerAddresses, maxFrameBytes, bytes,
                connectTimeoutMillis, handshakeTimeoutMillis, initialBackoffMillis, maxBackoffMillis);
    }
}
