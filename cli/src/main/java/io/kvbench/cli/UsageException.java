package io.kvbench.cli;

/** A mistake in how a command was called: reported in one line, exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
