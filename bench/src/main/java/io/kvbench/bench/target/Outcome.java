package io.kvbench.bench.target;

/**
 * How an operation ended. NOT_FOUND and CAS_MISMATCH are answers, not errors: the store did its job.
 * FAILED carries a kind string in {@link OpResult#failureKind()} so errors can be counted by kind.
 */
public enum Outcome {
    OK,
    NOT_FOUND,
    CAS_MISMATCH,
    FAILED,
    TIMEOUT;

    /** True when the target answered (whatever the answer); false for a timeout. */
    public boolean answered() {
        return this != TIMEOUT;
    }
}
