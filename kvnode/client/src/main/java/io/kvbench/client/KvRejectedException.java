package io.kvbench.client;

/**
 * The request can never succeed as sent, so it is not retried: the state machine rejected it (Rejected,
 * SequenceTooOld), the node answered MALFORMED, TOO_LARGE or INTERNAL, or the client refused it locally
 * (a key or value over the size limits).
 */
public final class KvRejectedException extends KvException {
    private final String reason;

    public KvRejectedException(String reason) {
        super(reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
