package io.kvbench.net;

/** Frames on a peer connection that are about the connection itself rather than raft. */
public sealed interface PeerControl {
    /** Version of the peer protocol (frame bodies and handshake), separate from the frame format version. */
    int PROTOCOL_VERSION = 1;

    /**
     * The first frame on every peer connection. The acceptor checks all of it, because ports are reused by
     * the many clusters a test run starts on one machine and a node must never join the wrong cluster.
     */
    record Hello(String clusterId, int fromNodeId, int toNodeId, int protocolVersion) implements PeerControl {
        public Hello {
            if (clusterId == null) throw new IllegalArgumentException("clusterId is null");
        }
    }

    /** The acceptor names itself so the initiator can check it reached the node it meant to. */
    record HelloOk(String clusterId, int nodeId) implements PeerControl {
        public HelloOk {
            if (clusterId == null) throw new IllegalArgumentException("clusterId is null");
        }
    }

    /** Sent by the acceptor just before it closes a connection whose Hello it refused. */
    record HelloRejected(String reason) implements PeerControl {
        public HelloRejected {
            if (reason == null) throw new IllegalArgumentException("reason is null");
        }
    }

    /** Sent just before closing a connection that broke the protocol after the handshake. */
    record ProtocolError(String reason) implements PeerControl {
        public ProtocolError {
            if (reason == null) throw new IllegalArgumentException("reason is null");
        }
    }
}
