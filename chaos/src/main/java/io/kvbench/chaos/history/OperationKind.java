package io.kvbench.chaos.history;

/** What a client asked the store to do to one key. */
public enum OperationKind {
    PUT,
    GET,
    /** Compare-and-set: replace {@code expected} (null = key absent) with {@code value}. */
    CAS,
    DELETE;

    /** Whether the operation can change the key's value if it takes effect. */
    public boolean isWrite() {
        return this != GET;
    }
}
