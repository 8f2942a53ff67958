package io.kvbench.net;

import io.netty.handler.codec.DecoderException;

/** The decoder refused to go on reading a connection: a limit of {@link PortLimits}, not malformed input. */
final class InboundRefusedException extends DecoderException {
    private final Refusal reason;

    InboundRefusedException(Refusal reason, String message) {
        super(message);
        this.reason = reason;
    }

    Refusal reason() {
        return reason;
    }

    /** A refusal, not a bug: no stack trace (filling one in costs the event loop tens of microseconds per connection). */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
