package io.kvbench.client;

/**
 * Why a {@link KvClient} operation failed; the futures it returns fail with this class or a subclass
 * (never wrapped in a {@link java.util.concurrent.CompletionException}). Used directly for failures with
 * no more specific type: the client was closed, its queue was full, a node could not be reached for status.
 */
public class KvException extends RuntimeException {
    public KvException(String message) {
        super(message);
    }

    public KvException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether a write that failed with this may have been applied all the same: its outcome is unknown, and a history
     * must record it so (a checker takes it as possibly applied, at any time after it was invoked). True unless the
     * failure proves that no copy of the request was applied; subclasses that can prove it say so.
     */
    public boolean mayHaveBeenApplied() {
        return true;
    }
}
