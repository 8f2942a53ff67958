package io.kvbench.kv;

/**
 * Bytes that are not a valid encoded command: wrong version, unknown type byte, truncated, a length over
 * its limit, or field values that break a command's rules. The message says which, and where.
 */
public final class MalformedCommandException extends RuntimeException {
    public MalformedCommandException(String message) {
        super(message);
    }
}
