package io.kvbench.client;

/**
 * The cluster does not know this client's session (never registered, expired or evicted). Call
 * {@link KvClient#reregister()} for a new session, then retry. Whether the write was applied depends on what was sent
 * before ({@link #mayHaveBeenApplied()}): answered to its only copy, the write was not applied; answered to a retry,
 * an earlier copy may have been applied before the session was lost (its reply went with the session), so the
 * outcome is unknown (issue 20, finding 5).
 */
public final class SessionExpiredException extends KvException {
    private final long clientId;
    private final boolean mayHaveBeenApplied;

    public SessionExpiredException(long clientId, String message, boolean mayHaveBeenApplied) {
        super(message);
        this.clientId = clientId;
        this.mayHaveBeenApplied = mayHaveBeenApplied;
    }

    @Override
    public boolean mayHaveBeenApplied() {
        return mayHaveBeenApplied;
    }

    /** The client id the cluster did not know; 0 when the client had no session at all. */
    public long clientId() {
        return clientId;
    }
}
