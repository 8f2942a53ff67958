package io.kvbench.net;

/** Why a node refused or dropped a connection; counted per port in the node's status and logged at WARNING. */
public enum Refusal {
    /** The port already had {@link PortLimits#maxConnections} open. */
    CONNECTION_LIMIT("connectionLimit", "too many connections"),
    /** An unfinished frame would have taken the port's inbound buffer budget past its limit. */
    BUFFER_BUDGET("bufferBudget", "inbound buffer budget exhausted"),
    /** A frame did not complete within {@link PortLimits#frameTimeoutMillis} of its first byte. */
    FRAME_TIMEOUT("frameTimeout", "frame not completed in time"),
    /** A peer connection sent no Hello within the handshake timeout. */
    HANDSHAKE_TIMEOUT("handshakeTimeout", "no handshake in time"),
    /** A peer's Hello named another cluster, node or protocol version, or its first frame was not a Hello. */
    HANDSHAKE_REJECTED("handshakeRejected", "handshake rejected"),
    /** A length prefix above the connection's frame limit (before a peer's handshake, a small one). */
    FRAME_TOO_LARGE("frameTooLarge", "frame too large"),
    /** Bytes that are no frame this port understands (bad version or type, malformed body, the other port's protocol). */
    MALFORMED("malformed", "malformed input"),
    /** Buffering the input failed for want of memory: a limit above was set too high for the heap. */
    ALLOCATION_FAILED("allocationFailed", "allocation failed");

    private final String key;
    private final String description;

    Refusal(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The name in the status JSON. */
    public String key() {
        return key;
    }

    public String description() {
        return description;
    }
}
