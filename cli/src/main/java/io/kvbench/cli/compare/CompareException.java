package io.kvbench.cli.compare;

/** A comparison that cannot go on, with the exit code the command returns and a one-line message. */
public final class CompareException extends Exception {

    /** Exit code of a failed check: a build or a scenario run failed. */
    public static final int FAILED = 1;
    /** Exit code of bad usage or bad input: a missing directory, no runs, an unknown ref, a malformed file. */
    public static final int USAGE = 2;

    private final int exitCode;

    private CompareException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static CompareException usage(String message) {
        return new CompareException(USAGE, message, null);
    }

    public static CompareException failed(String message) {
        return new CompareException(FAILED, message, null);
    }

    public static CompareException failed(String message, Throwable cause) {
        return new CompareException(FAILED, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
