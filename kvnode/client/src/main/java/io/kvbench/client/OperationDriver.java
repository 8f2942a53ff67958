package io.kvbench.client;

import io.kvbench.net.NodeAddresses;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs an operation's attempts until one gives a final answer or the deadline passes. Each answer is
 * classified once: final (complete or fail), retry here (OVERLOADED), retry elsewhere (NotLeader, a dead or
 * silent node). A write's retries resend the same (client id, seq), so whichever attempts reach the log the
 * state machine applies it once and answers the others from the session (Raft dissertation §6.3).
 * Callbacks run on Netty I/O threads and timers; nothing here blocks.
 */
final class OperationDriver {
    private final LeaderConnection leader;
    /** Null when {@link KvClientOptions#failoverFanOut()} is off. */
    private final StandbyConnections standbys;
    private final EventLoopGroup timers;
    private final KvClientOptions options;
    private final ClientCounters counters;
    private final int nodeCount;
    /** Called once per finished operation, before its future completes: releases its in-flight slot. */
    private final Consumer<Operation<?>> onFinished;

    OperationDriver(LeaderConnection leader, StandbyConnections standbys, EventLoopGroup timers, KvClientOptions options,
                    ClientCounters counters, int nodeCount, Consumer<Operation<?>> onFinished) {
        this.leader = leader;
        this.standbys = standbys;
        this.timers = timers;
        this.options = options;
        this.counters = counters;
        this.nodeCount = nodeCount;
        this.onFinished = onFinished;
    }

    void attempt(Operation<?> operation) {
        int attempt = operation.beginAttempt();
        if (attempt == 0) return;
        long remainingNanos = operation.deadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
            timeOut(operation);
            return;
        }
        LeaderConnection.Slot slot = leader.current();
        if (slot == null) {
            fail(operation, new KvException(operation.description + ": the client is closed"));
            return;
        }
        counters.attempts.increment();
        if (attempt > 1) counters.retries.increment();
        byte[] payload = operation.payload();
        // The attempt timer is what notices a node that keeps its socket open and never answers (SIGSTOP).
        long attemptNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(options.attemptTimeoutMillis()), remainingNanos);
        Future<?> attemptTimer = schedule(() -> onAttemptFailed(operation, attempt, slot,
                new TimeoutException("no answer from " + NodeAddresses.format(slot.address) + " within "
                        + TimeUnit.NANOSECONDS.toMillis(attemptNanos) + " ms")), attemptNanos);
        if (attemptTimer == null) {
            fail(operation, new KvException(operation.description + ": the client is closed"));
            return;
        }
        slot.connection
                .thenCompose(connection -> {
                    operation.noteSent();
                    return connection.send(new ClientRequest(connection.nextRequestId(), operation.kind, payload));
                })
                .whenComplete((response, error) -> {
                    attemptTimer.cancel(false);
                    if (error != null) {
                        onAttemptFailed(operation, attempt, slot, unwrap(error));
                    } else {
                        onResponse(operation, attempt, slot, response);
                    }
                });
        if (standbys != null && leader.leaderUnknown()) fanOut(operation, slot.address, payload, attemptNanos);
    }

    /**
     * The leader is unknown: send the same request to every other node too. Nodes park requests while no leader
     * is known, so the copy at the node that wins the election is served as soon as it leads, instead of after a
     * NotLeader reply and a resend (one more round trip and a scheduling delay on each side, about 10 ms on a
     * loaded 2-core machine). A write keeps its (client id, seq) in every copy, so the state machine applies it
     * once and answers the other copies from the session (dissertation §6.3); a read is served only by a leader.
     * Copies only ever finish an operation with a leader's answer; everything else they get is dropped, and the
     * attempt on the main connection drives retries as before.
     */
    private void fanOut(Operation<?> operation, InetSocketAddress sendingTo, byte[] payload, long attemptNanos) {
        for (InetSocketAddress node : leader.fanOutTargets(sendingTo)) {
            CompletableFuture<ClientConnection> connection = standbys.to(node);
            if (connection == null) return; // closing
            counters.fanOutSends.increment();
            connection
                    .thenCompose(open -> {
                        operation.noteSent();
                        return open.send(new ClientRequest(open.nextRequestId(), operation.kind, payload));
                    })
                    .orTimeout(attemptNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((response, error) -> {
                        if (error == null && response instanceof ClientResponse.Result result) onFanOutResult(operation, node, result);
                    });
        }
    }

    private void onFanOutResult(Operation<?> operation, InetSocketAddress node, ClientResponse.Result response) {
        KvResult result;
        try {
            result = KvResultCodec.decode(response.result());
        } catch (RuntimeException e) {
            return; // the main attempt decides
        }
        if (result instanceof KvResult.TooManyPending) return; // not applied; the main attempt retries
        leader.adopt(node);
        onResult(operation, result);
    }

    /** The deadline timer fired (or an attempt found no time left). */
    void timeOut(Operation<?> operation) {
        String outcome = operation.isWrite() ? "; the write may or may not have been applied"
                : operation.expectedResult == KvResult.SessionRegistered.class ? "; a session may or may not have been registered"
                : "";
        if (!operation.markFinished()) return;
        // Counted before the future completes, so a caller that sees the timeout also sees the count.
        counters.timeouts.increment();
        String lastFailure = operation.lastFailure();
        onFinished.accept(operation);
        operation.future.completeExceptionally(new KvTimeoutException(operation.description + ": no answer within "
                + options.operationTimeoutMillis() + " ms (" + operation.attempts() + " attempts"
                + (lastFailure.isEmpty() ? "" : "; last: " + lastFailure) + ")" + outcome));
    }

    boolean fail(Operation<?> operation, Throwable error) {
        if (!operation.markFinished()) return false;
        onFinished.accept(operation);
        operation.future.completeExceptionally(error);
        return true;
    }

    private void succeed(Operation<?> operation, KvResult result) {
        if (!operation.markFinished()) return;
        onFinished.accept(operation);
        operation.completeWith(result);
    }

    private void onResponse(Operation<?> operation, int attempt, LeaderConnection.Slot slot, ClientResponse response) {
        if (!operation.claim(attempt)) return;
        if (response instanceof ClientResponse.Result result) {
            onResult(operation, slot, result);
        } else if (response instanceof ClientResponse.NotLeader notLeader) {
            onNotLeader(operation, slot, notLeader);
        } else if (response instanceof ClientResponse.Error error) {
            onError(operation, slot, error);
        } else {
            fail(operation, new KvRejectedException(operation.description + ": unexpected answer " + response));
        }
    }

    private void onResult(Operation<?> operation, LeaderConnection.Slot slot, ClientResponse.Result response) {
        KvResult result;
        try {
            result = KvResultCodec.decode(response.result());
        } catch (RuntimeException e) {
            fail(operation, new KvRejectedException(operation.description + ": undecodable reply from "
                    + NodeAddresses.format(slot.address) + ": " + e.getMessage()));
            return;
        }
        leader.answeredAsLeader(slot);
        onResult(operation, result);
    }

    /** A leader's answer, from the main attempt or a fanned-out copy. */
    private void onResult(Operation<?> operation, KvResult result) {
        // Each says that the copy it answers was not applied. An earlier copy may have been (its reply lost, then the
        // session evicted or expired with the reply it kept, or the reply dropped below the watermark): only when no
        // other copy was ever sent is the write known not to have been applied (issue 20, finding 5).
        boolean earlierCopies = operation.isWrite() && operation.sentMoreThanOnce();
        String outcome = earlierCopies ? "an earlier attempt may have been applied: the write may or may not have been applied"
                : "not applied";
        if (result instanceof KvResult.SessionUnknown unknown) {
            fail(operation, new SessionExpiredException(unknown.clientId(), operation.description + ": session "
                    + unknown.clientId() + " is unknown to the cluster (expired or evicted); " + outcome + "; reregister",
                    earlierCopies));
        } else if (result instanceof KvResult.SequenceTooOld tooOld) {
            fail(operation, new KvRejectedException(operation.description + ": seq " + tooOld.seq()
                    + " is below the session's firstUnackedSeq " + tooOld.firstUnackedSeq() + "; " + outcome, earlierCopies));
        } else if (result instanceof KvResult.Rejected rejected) {
            fail(operation, new KvRejectedException(operation.description + ": rejected: " + rejected.reason()));
        } else if (result instanceof KvResult.QuotaExceeded quota) {
            // Final: the state machine refused it on every replica and stored the refusal; retrying cannot change it.
            fail(operation, new QuotaExceededException(operation.description, quota.usedBytes(), quota.quotaBytes(),
                    quota.neededBytes()));
        } else if (result instanceof KvResult.TooManyPending) {
            operation.noteFailure("the session holds too many unacknowledged replies");
            // Not applied; room appears as this client's earlier writes are answered and firstUnackedSeq moves.
            retryAfter(operation, backoffMillis(operation, false));
        } else {
            succeed(operation, result);
        }
    }

    private void onNotLeader(Operation<?> operation, LeaderConnection.Slot slot, ClientResponse.NotLeader notLeader) {
        counters.redirects.increment();
        operation.noteFailure(NodeAddresses.format(slot.address) + " is not the leader"
                + (notLeader.leaderClientAddress().isEmpty() ? " and knows none" : ""));
        int redirects = operation.countRedirect();
        InetSocketAddress hinted = parseOrNull(notLeader.leaderClientAddress());
        if (hinted != null && !hinted.equals(slot.address)) {
            leader.redirect(slot, hinted);
            // Follow hints at once, but not forever: during an election two nodes may name each other.
            retryAfter(operation, redirects <= nodeCount ? 0 : backoffMillis(operation, false));
        } else {
            // No leader known (an election is running): wait a little, then ask the next node.
            leader.failover(slot);
            retryAfter(operation, backoffMillis(operation, false));
        }
    }

    private void onError(Operation<?> operation, LeaderConnection.Slot slot, ClientResponse.Error error) {
        ErrorCode code = error.code();
        String from = " from " + NodeAddresses.format(slot.address) + ": " + error.message();
        operation.noteFailure(code + from);
        switch (code) {
            case OVERLOADED:
            case TIMEOUT:
                // Same node, same request: a write keeps its seq, so a retry is never applied twice.
                retryAfter(operation, backoffMillis(operation, false));
                return;
            case SHUTTING_DOWN:
                leader.failover(slot);
                retryAfter(operation, backoffMillis(operation, true));
                return;
            case STORAGE_FAILED:
                if (operation.storageFailedAt(slot.address) >= nodeCount) {
                    fail(operation, new StorageFailedException(operation.description + ": every node answered STORAGE_FAILED"
                            + (operation.isWrite() ? "; the write may or may not have been applied" : "") + "; last" + from));
                    return;
                }
                leader.failover(slot);
                retryAfter(operation, backoffMillis(operation, true));
                return;
            case MALFORMED:
            case TOO_LARGE:
            case INTERNAL:
            default:
                fail(operation, new KvRejectedException(operation.description + ": " + code + from));
        }
    }

    private void onAttemptFailed(Operation<?> operation, int attempt, LeaderConnection.Slot slot, Throwable error) {
        if (!operation.claim(attempt)) return;
        if (!(error instanceof IOException || error instanceof TimeoutException)) {
            fail(operation, new KvException(operation.description + ": " + error, error));
            return;
        }
        operation.noteFailure(NodeAddresses.format(slot.address) + ": " + error.getMessage());
        // A connect failure, a closed connection or a silent node: the same request may already be in the
        // log, so it is resent unchanged (same seq) to whichever node leads now.
        leader.failover(slot);
        retryAfter(operation, backoffMillis(operation, true));
    }

    private void retryAfter(Operation<?> operation, long delayMillis) {
        Runnable retry = () -> attempt(operation);
        // Always through the event loop: a retry from inside a callback must not grow the stack.
        Future<?> scheduled = schedule(retry, TimeUnit.MILLISECONDS.toNanos(delayMillis));
        if (scheduled == null) fail(operation, new KvException(operation.description + ": the client is closed"));
    }

    /** Exponential with jitter in the upper half; {@code firstIsFree}: a first failover is tried at once. */
    private long backoffMillis(Operation<?> operation, boolean firstIsFree) {
        int retry = operation.nextBackoffRetry();
        if (firstIsFree && retry == 1) return 0;
        int doublings = Math.min(retry - 1, 20);
        long ceiling = Math.min(options.maxRetryBackoffMillis(), options.retryBackoffMillis() << doublings);
        long floor = Math.max(1, ceiling / 2);
        return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
    }

    private Future<?> schedule(Runnable task, long delayNanos) {
        try {
            if (delayNanos <= 0) {
                CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
                timers.execute(task);
                return done;
            }
            return timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            return null;
        }
    }

    private static InetSocketAddress parseOrNull(String address) {
        if (address == null || address.isEmpty()) return null;
        try {
            return NodeAddresses.parse(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
        return cause;
    }
}
