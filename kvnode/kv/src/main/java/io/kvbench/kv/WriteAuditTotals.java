package io.kvbench.kv;

/**
 * What a state machine's write audit counted: {@code distinctWrites} (clientId, seq) pairs applied, and
 * {@code repeatApplications}, the applications beyond the first summed over all of them (exactly-once: zero).
 */
public record WriteAuditTotals(long distinctWrites, long repeatApplications) {
}
