package io.kvbench.net;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * Input that is not a frame we understand: bad version, unknown type, truncated or malformed body, or a
 * length prefix out of bounds. The message says what was seen and, once it left the decoder, where from, so
 * the one log line written when the connection is closed is enough to diagnose it.
 */
public class FrameFormatException extends CorruptedFrameException {
    public FrameFormatException(String message) {
        super(message);
    }

    public FrameFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same complaint naming the remote address it came from. */
    FrameFormatException from(String source) {
        return new FrameFormatException(getMessage() + " from " + source, this);
    }
}
