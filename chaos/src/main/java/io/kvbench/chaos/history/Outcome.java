package io.kvbench.chaos.history;

/** What the client learned about an operation. */
public enum Outcome {
    /** Acknowledged: it took effect, and any result (read value, swapped flag) is known. */
    OK,
    /** Definitely not applied (e.g. rejected by a follower before replication). */
    FAIL,
    /**
     * Timeout or connection lost: it may or may not have taken effect, at any time after its invocation
     * (Knossos and Porcupine treat such calls as never returning).
     */
    UNKNOWN
}
