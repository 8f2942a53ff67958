package io.kvbench.client;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.net.RequestKind;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * One client operation across all its attempts. A write is bound to a session and a seq when it leaves the
 * admission queue and keeps both across every retry (§6.3). Attempt state is guarded by this object's lock;
 * the future is completed once, by whoever calls {@link #markFinished()} first.
 */
final class Operation<T extends KvResult> {
    /** Builds a write for one attempt; firstUnackedSeq is the session's at send time (§6.3). */
    @FunctionalInterface
    interface WriteBuilder {
        KvCommand.Write build(long clientId, long seq, long firstUnackedSeq);
    }

    final String description;
    final RequestKind kind;
    final Class<T> expectedResult;
    final long deadlineNanos;
    final CompletableFuture<T> future = new CompletableFuture<>();
    private final byte[] fixedPayload;
    private final WriteBuilder writeBuilder;

    // Guarded by this.
    private boolean finished;
    private WriteSession session;
    private long seq;
    private int attemptNumber;
    private int claimedAttempt;
    private int backoffRetries;
    private int redirects;
    /** Copies of the request handed to a connection, retries and fanned-out copies included. */
    private int sends;
    private final Set<InetSocketAddress> storageFailedNodes = new HashSet<>();
    private Future<?> deadlineTimer;
    private String lastFailure = "";

    private Operation(String description, RequestKind kind, Class<T> expectedResult, long deadlineNanos,
                      byte[] fixedPayload, WriteBuilder writeBuilder) {
        this.description = description;
        this.kind = kind;
        this.expectedResult = expectedResult;
        this.deadlineNanos = deadlineNanos;
        this.fixedPayload = fixedPayload;
        this.writeBuilder = writeBuilder;
    }

    static <T extends KvResult> Operation<T> write(String description, Class<T> expectedResult, long deadlineNanos,
                                                   WriteBuilder builder) {
        return new Operation<>(description, RequestKind.COMMAND, expectedResult, deadlineNanos, null, builder);
    }

    /** A request whose bytes never change between attempts: a read, RegisterSession, KeepAlive. */
    static <T extends KvResult> Operation<T> fixed(String description, RequestKind kind, Class<T> expectedResult,
                                                   long deadlineNanos, KvCommand command) {
        // The node re-stamps its own time into the entry, so the client sends 0 (no client clock in the log).
        return new Operation<>(description, kind, expectedResult, deadlineNanos, KvCommandCodec.encode(command, 0), null);
    }

    boolean isWrite() {
        return writeBuilder != null;
    }

    synchronized void bindSession(WriteSession writeSession) {
        if (session != null) throw new IllegalStateException(description + " is already bound to a session");
        session = writeSession;
        seq = writeSession.assignSeq();
    }

    synchronized long clientId() {
        return session == null ? 0 : session.clientId;
    }

    /** The request bytes for the next attempt. */
    byte[] payload() {
        if (writeBuilder == null) return fixedPayload;
        WriteSession boundSession;
        long boundSeq;
        synchronized (this) {
            boundSession = session;
            boundSeq = seq;
        }
        // min: once finished the seq leaves the session's set, and firstUnackedSeq may pass it meanwhile.
        long firstUnackedSeq = Math.min(boundSession.firstUnackedSeq(), boundSeq);
        return KvCommandCodec.encode(writeBuilder.build(boundSession.clientId, boundSeq, firstUnackedSeq), 0);
    }

    /** Starts a new attempt; returns its number, or 0 when the operation has already finished. */
    synchronized int beginAttempt() {
        if (finished) return 0;
        return ++attemptNumber;
    }

    synchronized int attempts() {
        return attemptNumber;
    }

    /** A copy of the request was handed to a connection: from here it may reach a leader and the log. */
    synchronized void noteSent() {
        sends++;
    }

    /**
     * Whether more than one copy was sent: then an answer saying that one copy was not applied (the session was
     * unknown, the seq too old) says nothing of the others, one of which may have been applied.
     */
    synchronized boolean sentMoreThanOnce() {
        return sends > 1;
    }

    /**
     * True for exactly one outcome of the current attempt: a timer, a connection failure and a late answer
     * may all report on the same attempt, and only the first may act, or the operation would fork.
     */
    synchronized boolean claim(int attempt) {
        if (finished || attempt != attemptNumber || claimedAttempt == attempt) return false;
        claimedAttempt = attempt;
        return true;
    }

    /** Counts a retry that waits; the caller turns the count into an exponential backoff. */
    synchronized int nextBackoffRetry() {
        return ++backoffRetries;
    }

    synchronized int countRedirect() {
        return ++redirects;
    }

    /** Records that {@code node} said STORAGE_FAILED; returns how many distinct nodes have. */
    synchronized int storageFailedAt(InetSocketAddress node) {
        storageFailedNodes.add(node);
        return storageFailedNodes.size();
    }

    /** What went wrong with the latest attempt, for the timeout's message. */
    synchronized void noteFailure(String failure) {
        lastFailure = failure;
    }

    synchronized String lastFailure() {
        return lastFailure;
    }

    synchronized void setDeadlineTimer(Future<?> timer) {
        if (finished) {
            timer.cancel(false);
        } else {
            deadlineTimer = timer;
        }
    }

    synchronized boolean isFinished() {
        return finished;
    }

    /**
     * The one transition to finished: returns true to the caller that must complete the future. Releases
     * the seq (the client no longer awaits it, §6.3) and cancels the deadline timer.
     */
    boolean markFinished() {
        WriteSession boundSession;
        long boundSeq;
        Future<?> timer;
        synchronized (this) {
            if (finished) return false;
            finished = true;
            boundSession = session;
            boundSeq = seq;
            timer = deadlineTimer;
        }
        if (boundSession != null) boundSession.finish(boundSeq);
        if (timer != null) timer.cancel(false);
        return true;
    }

    /** Completes a finished operation with the node's answer, or fails it when the answer has the wrong type. */
    void completeWith(KvResult result) {
        if (expectedResult.isInstance(result)) {
            future.complete(expectedResult.cast(result));
        } else {
            future.completeExceptionally(new KvRejectedException(description + ": unexpected reply " + result));
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
