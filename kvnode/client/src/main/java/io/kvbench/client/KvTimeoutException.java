package io.kvbench.client;

/**
 * The operation's deadline passed without an answer. For a write the outcome is unknown: it may or may not
 * have been applied, and the message says so. It will not be applied later than the next write of this
 * session is, since that write raises the session's firstUnackedSeq past it (§6.3).
 */
public final class KvTimeoutException extends KvException {
    public KvTimeoutException(String message) {
        super(message);
    }
}
