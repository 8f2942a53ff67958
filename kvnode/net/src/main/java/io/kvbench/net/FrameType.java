package io.kvbench.net;

/**
 * The second header byte. Codes are part of the wire format: never renumber, only add. Peer and client
 * frames share one numbering so that a frame sent to the wrong port is recognised and refused clearly.
 */
public enum FrameType {
    HELLO(0x01, Port.PEER),
    HELLO_OK(0x02, Port.PEER),
    HELLO_REJECTED(0x03, Port.PEER),
    PROTOCOL_ERROR(0x04, Port.PEER),
    VOTE_REQUEST(0x10, Port.PEER),
    VOTE_RESPONSE(0x11, Port.PEER),
    APPEND_REQUEST(0x12, Port.PEER),
    APPEND_RESPONSE(0x13, Port.PEER),
    HEARTBEAT(0x14, Port.PEER),
    HEARTBEAT_RESPONSE(0x15, Port.PEER),
    SNAPSHOT_REQUEST(0x16, Port.PEER),
    TIMEOUT_NOW(0x17, Port.PEER),
    SNAPSHOT_CHUNK(0x18, Port.PEER),
    SNAPSHOT_CHUNK_ACK(0x19, Port.PEER),
    CLIENT_REQUEST(0x20, Port.CLIENT),
    CLIENT_RESPONSE(0x21, Port.CLIENT);

    /** Which listening port a frame type belongs to. */
    public enum Port { PEER, CLIENT }

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Port port;

    FrameType(int code, Port port) {
        this.code = code;
        this.port = port;
    }

    public int code() {
        return code;
    }

    public Port port() {
        return port;
    }

    /** The type with this code, or null when the code is unknown. */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    @Override
    public String toString() {
        return name() + String.format("(0x%02x)", code);
    }
}
