package io.kvbench.net;

/**
 * A well-formed frame meant for the other port: a client request on the peer port, or a peer frame on the
 * client port. Kept apart so the server can answer in the protocol the sender understands.
 */
public final class WrongPortException extends FrameFormatException {
    private final FrameType frameType;

    public WrongPortException(FrameType frameType, String message) {
        super(message);
        this.frameType = frameType;
    }

    private WrongPortException(FrameType frameType, String message, Throwable cause) {
        super(message, cause);
        this.frameType = frameType;
    }

    public FrameType frameType() {
        return frameType;
    }

    @Override
    WrongPortException from(String source) {
        return new WrongPortException(frameType, getMessage() + " from " + source, this);
    }
}
