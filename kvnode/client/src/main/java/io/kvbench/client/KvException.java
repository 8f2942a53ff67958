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
}
