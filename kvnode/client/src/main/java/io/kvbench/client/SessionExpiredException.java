package io.kvbench.client;

/**
 * The cluster does not know this client's session (never registered, expired or evicted): the write was
 * not applied. Call {@link KvClient#reregister()} for a new session, then retry.
 */
public final class SessionExpiredException extends KvException {
    private final long clientId;

    public SessionExpiredException(long clientId, String message) {
        super(message);
        this.clientId = clientId;
    }

    /** The client id the cluster did not know; 0 when the client had no session at all. */
    public long clientId() {
        return clientId;
    }
}
