package io.kvbench.client;

/**
 * Every node answered STORAGE_FAILED: none can make a write durable. A write's outcome is unknown (a node
 * may have failed after appending it), exactly as for a timeout.
 */
public final class StorageFailedException extends KvException {
    public StorageFailedException(String message) {
        super(message);
    }
}
