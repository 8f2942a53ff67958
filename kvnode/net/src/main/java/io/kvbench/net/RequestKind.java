package io.kvbench.net;

/** What a client asks for. Codes are part of the wire format: never renumber. */
public enum RequestKind {
    /** A state machine command, replicated through the log; the payload is opaque here. */
    COMMAND(1),
    /** A linearizable read (ReadIndex, §6.4); the payload is the opaque query. */
    READ(2),
    /** The node's status as JSON; no payload. */
    STATUS(3);

    private final int code;

    RequestKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static RequestKind fromCode(int code) {
        for (RequestKind kind : values()) {
            if (kind.code == code) return kind;
        }
        throw new FrameFormatException("unknown request kind " + code);
    }
}
