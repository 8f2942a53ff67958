package io.kvbench.bench.target;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of one {@link Operation}.
 *
 * @param outcome     how it ended
 * @param failureKind for FAILED, a short stable kind such as {@code "http_503"} or {@code "connect"}; else null
 * @param value       for a GET that found the key, its value; else null
 */
public record OpResult(Outcome outcome, String failureKind, byte[] value) {

    private static final OpResult OK = new OpResult(Outcome.OK, null, null);
    private static final OpResult NOT_FOUND = new OpResult(Outcome.NOT_FOUND, null, null);
    private static final OpResult CAS_MISMATCH = new OpResult(Outcome.CAS_MISMATCH, null, null);
    private static final OpResult TIMEOUT = new OpResult(Outcome.TIMEOUT, null, null);

    public OpResult {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.FAILED) != (failureKind != null)) {
            throw new IllegalArgumentException("failureKind is required for FAILED and only for FAILED");
        }
    }

    public static OpResult ok() {
        return OK;
    }

    public static OpResult ok(byte[] value) {
        return value == null ? OK : new OpResult(Outcome.OK, null, value);
    }

    public static OpResult notFound() {
        return NOT_FOUND;
    }

    public static OpResult casMismatch() {
        return CAS_MISMATCH;
    }

    public static OpResult timeout() {
        return TIMEOUT;
    }

    public static OpResult failed(String failureKind) {
        return new OpResult(Outcome.FAILED, Objects.requireNonNull(failureKind, "failureKind"), null);
    }

    public Optional<byte[]> optionalValue() {
        return Optional.ofNullable(value);
    }
}
