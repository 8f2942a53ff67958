package io.kvbench.net;

/** Why a request failed. Codes are part of the wire format: never renumber. */
public enum ErrorCode {
    /** The request (or, with request id 0, the connection's input) could not be decoded. */
    MALFORMED(1),
    /** A frame or response over the size bound. */
    TOO_LARGE(2),
    /** Too many requests in flight on this connection, or the node's queue is full; retry later. */
    OVERLOADED(3),
    /** The node could not make the write durable; its outcome is unknown to the client. */
    STORAGE_FAILED(4),
    /** No outcome within the node's deadline; the command may still be applied later. */
    TIMEOUT(5),
    /** The node is stopping; try another. */
    SHUTTING_DOWN(6),
    /** A bug on the node; the message says more. */
    INTERNAL(7);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static ErrorCode fromCode(int code) {
        for (ErrorCode errorCode : values()) {
            if (errorCode.code == code) return errorCode;
        }
        throw new FrameFormatException("unknown error code " + code);
    }
}
