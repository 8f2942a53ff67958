package io.kvbench.net;

import java.io.IOException;

/**
 * The connection closed before the request was answered. The request may or may not have been applied:
 * a client retrying a write must use its session sequence number so the retry is not applied twice.
 */
public final class ConnectionClosedException extends IOException {
    public ConnectionClosedException(String message) {
        super(message);
    }
}
