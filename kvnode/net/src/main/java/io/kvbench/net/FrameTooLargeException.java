package io.kvbench.net;

/** A length prefix beyond the connection's {@code maxFrameBytes}, or shorter than a frame header. */
public final class FrameTooLargeException extends FrameFormatException {
    public FrameTooLargeException(String message) {
        super(message);
    }

    private FrameTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    FrameTooLargeException from(String source) {
        return new FrameTooLargeException(getMessage() + " from " + source, this);
    }
}
