package io.kvbench.net;

/** Which {@link ClientResponse} a response frame holds. Codes are part of the wire format: never renumber. */
public enum ResponseKind {
    RESULT(1),
    NOT_LEADER(2),
    ERROR(3),
    STATUS(4);

    private final int code;

    ResponseKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static ResponseKind fromCode(int code) {
        for (ResponseKind kind : values()) {
            if (kind.code == code) return kind;
        }
        throw new FrameFormatException("unknown response kind " + code);
    }
}
