package io.kvbench.bench.target;

/** What a client asks of the store. */
public enum OperationKind {
    PUT,
    GET,
    /** Compare-and-set: write {@code value} only if the key currently holds {@code expected}. */
    CAS
}
