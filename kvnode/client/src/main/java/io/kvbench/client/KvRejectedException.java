package io.kvbench.client;

/**
 * The request can never succeed as sent, so it is not retried: the state machine rejected it (Rejected,
 * SequenceTooOld), the node answered MALFORMED, TOO_LARGE or INTERNAL, or the client refused it locally
 * (a key or value over the size limits).
 */
public final class KvRejectedException extends KvException {
    private final String reason;
    private final boolean mayHaveBeenApplied;

    /** A refusal that proves the request was not applied. */
    public KvRejectedException(String reason) {
        this(reason, false);
    }

    /**
     * @param mayHaveBeenApplied an earlier copy of the write may have been applied although this one was refused
     *                           (SequenceTooOld answered to a retry: the session dropped the reply it had)
     */
    public KvRejectedException(String reason, boolean mayHaveBeenApplied) {
        super(reason);
        this.reason = reason;
        this.mayHaveBeenApplied = mayHaveBeenApplied;
    }

    @Override
    public boolean mayHaveBeenApplied() {
        return mayHaveBeenApplied;
    }

    public String reason() {
        return reason;
    }
}
