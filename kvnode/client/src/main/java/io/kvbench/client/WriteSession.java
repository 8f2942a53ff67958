package io.kvbench.client;

import java.util.TreeSet;

/**
 * One registered session's sequence numbers (Raft dissertation §6.3). Each write takes the next seq and
 * keeps it across every retry, so the state machine can answer a retry from the reply it stored instead of
 * applying it again. {@link #firstUnackedSeq()} tells the cluster which stored replies it may discard.
 * Thread-safe.
 */
final class WriteSession {
    final long clientId;
    private long nextSeq = 1;
    /** Seqs handed out whose operation has not finished (answered, failed or given up). */
    private final TreeSet<Long> unfinished = new TreeSet<>();

    WriteSession(long clientId) {
        if (clientId <= 0) throw new IllegalArgumentException("clientId must be positive: " + clientId);
        this.clientId = clientId;
    }

    synchronized long assignSeq() {
        long seq = nextSeq++;
        unfinished.add(seq);
        return seq;
    }

    /**
     * The operation for {@code seq} will never be retried again: it was answered, or the client gave up on
     * it. Once firstUnackedSeq passes it, the state machine also refuses any stale copy still in flight
     * (SequenceTooOld), so a write given up on is applied at most once and not at some later surprise time.
     */
    synchronized void finish(long seq) {
        unfinished.remove(seq);
    }

    /** The lowest seq still awaiting a reply; the next seq when none is. */
    synchronized long firstUnackedSeq() {
        return unfinished.isEmpty() ? nextSeq : unfinished.first();
    }
}
