package io.kvbench.client;

import io.kvbench.net.NodeAddresses;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvLimits;
import io.kvbench.kv.KvResult;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;
import io.kvbench.net.RequestKind;
import io.kvbench.net.WireFormat;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An asynchronous, pipelined client for a kvnode cluster.
 *
 * <p><b>Exactly-once writes (Raft dissertation §6.3).</b> The client registers a session through the log
 * and numbers its writes 1, 2, 3...; every retry of a write resends the same (client id, seq), and the
 * replicated state machine applies each pair once and answers retries from the reply it stored. Each write
 * also carries firstUnackedSeq, the lowest seq the client still awaits, so the cluster can drop older
 * replies.
 *
 * <p><b>Routing and retries.</b> Requests go to one node at a time, the presumed leader, over one
 * connection, many in flight. A NotLeader answer moves the client to the named leader (or the next node
 * when none is named). A connect failure, a closed connection, or no answer within
 * {@link KvClientOptions#attemptTimeoutMillis()} moves it round-robin to the next node, and the request is
 * retried there. OVERLOADED and TIMEOUT are retried after a backoff; SHUTTING_DOWN and STORAGE_FAILED on the
 * next node. Retries continue until {@link KvClientOptions#operationTimeoutMillis()}, counted from the call.
 *
 * <p><b>Failures</b> arrive in the returned futures as a {@link KvException} (not wrapped):
 * {@link KvTimeoutException}, {@link SessionExpiredException}, {@link KvRejectedException},
 * {@link QuotaExceededException}, {@link StorageFailedException}, or {@link KvException} itself (client closed,
 * queue full).
 *
 * <p><b>Back-pressure.</b> At most {@link KvClientOptions#maxInFlight()} operations are sent at once; more
 * wait in a FIFO queue of at most {@link KvClientOptions#maxQueued()} (their deadline runs while they wait);
 * beyond that a call fails at once. No method blocks except {@link #close()}.
 *
 * <p><b>Threads.</b> Thread-safe. Futures complete on Netty I/O threads: callbacks must not block (use the
 * {@code *Async} variants to hop off) and must not call {@link #close()}.
 */
public final class KvClient implements AutoCloseable {
    private final List<InetSocketAddress> nodes;
    private final KvClientOptions options;
    private final NettyResources resources;
    private final boolean ownsResources;
    private final ExecutorService closer;
    private final ClientCounters counters = new ClientCounters();
    private final LeaderConnection leader;
    /** Null when {@link KvClientOptions#failoverFanOut()} is off. */
    private final StandbyConnections standbys;
    private final OperationDriver driver;
    /** Every operation not yet finished, queued or in flight, so close() can fail them. */
    private final Set<Operation<?>> unfinished = ConcurrentHashMap.newKeySet();

    private final Object lock = new Object();
    // Guarded by lock.
    private WriteSession session;
    private int inFlight;
    private final ArrayDeque<Operation<?>> waiting = new ArrayDeque<>();
    /** Operations holding an in-flight slot (identity: Operation keeps Object's equals). */
    private final Set<Operation<?>> started = new HashSet<>();
    private boolean closed;

    private KvClient(List<InetSocketAddress> nodes, KvClientOptions options, NettyResources resources, boolean ownsResources) {
        if (nodes == null || nodes.isEmpty()) throw new IllegalArgumentException("no node addresses");
        this.nodes = List.copyOf(nodes);
        this.options = options;
        this.resources = resources;
        this.ownsResources = ownsResources;
        this.closer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kvclient-closer");
            thread.setDaemon(true);
            return thread;
        });
        this.leader = new LeaderConnection(resources, this.nodes, (int) options.attemptTimeoutMillis(), closer, counters);
        this.standbys = options.failoverFanOut() && this.nodes.size() > 1
                ? new StandbyConnections(resources, (int) options.attemptTimeoutMillis(), closer) : null;
        this.driver = new OperationDriver(leader, standbys, resources.group(), options, counters, this.nodes.size(), this::onFinished);
    }

    /**
     * A client with its own event loops and a registered session: the future completes once RegisterSession
     * has committed (retried like any request until {@link KvClientOptions#operationTimeoutMillis()}, with the same
     * registration id, so a retry whose first copy was applied gets that session). On failure the client is closed;
     * a registration that timed out may have opened a session, which the cluster expires.
     */
    public static CompletableFuture<KvClient> connect(List<InetSocketAddress> nodes, KvClientOptions options) {
        return registered(create(nodes, options));
    }

    /** As {@link #connect(List, KvClientOptions)}, on shared event loops that the client will not close. */
    public static CompletableFuture<KvClient> connect(List<InetSocketAddress> nodes, KvClientOptions options,
                                                      NettyResources sharedResources) {
        return registered(create(nodes, options, sharedResources));
    }

    /**
     * A client without a session: enough for {@link #get}, {@link #status} and {@link #reregister()}.
     * Writes fail with {@link SessionExpiredException} until {@link #reregister()} succeeds. Connects lazily.
     */
    public static KvClient create(List<InetSocketAddress> nodes, KvClientOptions options) {
        return new KvClient(nodes, options, new NettyResources("kvclient", options.ioThreads()), true);
    }

    public static KvClient create(List<InetSocketAddress> nodes, KvClientOptions options, NettyResources sharedResources) {
        return new KvClient(nodes, options, sharedResources, false);
    }

    /**
     * Registers a new session through the log and makes it the client's session; completes with its client
     * id. After a {@link SessionExpiredException}, call this and retry: the old session's seqs are gone, so
     * the retry is a new write (whether the failed one was applied is not known from this client).
     */
    public CompletableFuture<Long> reregister() {
        // Its retries carry the same registration id, so however many copies reach the log, one session opens.
        Operation<KvResult.SessionRegistered> operation = Operation.fixed("register session", RequestKind.COMMAND,
                KvResult.SessionRegistered.class, deadline(), SessionRegistration.next());
        CompletableFuture<Long> clientId = new CompletableFuture<>();
        submit(operation).whenComplete((registered, error) -> {
            if (error != null) {
                clientId.completeExceptionally(error);
                return;
            }
            synchronized (lock) {
                session = new WriteSession(registered.clientId());
            }
            clientId.complete(registered.clientId());
        });
        return clientId;
    }

    /** Sets {@code key} to {@code value}; the reply holds the previous value (null if absent). */
    public CompletableFuture<KvResult.Written> put(String key, byte[] value) {
        String refusal = checkKey(key);
        if (refusal == null) refusal = checkValue(value, "value", false);
        if (refusal != null) return rejected(refusal);
        byte[] copy = value.clone();
        return submit(Operation.write("put " + key, KvResult.Written.class, deadline(),
                (clientId, seq, firstUnackedSeq) -> new KvCommand.Put(clientId, seq, firstUnackedSeq, key, copy)));
    }

    /** Removes {@code key}; the reply holds the previous value (null if it was absent). */
    public CompletableFuture<KvResult.Written> delete(String key) {
        String refusal = checkKey(key);
        if (refusal != null) return rejected(refusal);
        return submit(Operation.write("delete " + key, KvResult.Written.class, deadline(),
                (clientId, seq, firstUnackedSeq) -> new KvCommand.Delete(clientId, seq, firstUnackedSeq, key)));
    }

    /**
     * Sets {@code key} to {@code newValue} if it holds {@code expected} ({@code null}: if it is absent);
     * {@code newValue == null} deletes. The reply says whether it swapped and what the key holds now.
     */
    public CompletableFuture<KvResult.CasResult> compareAndSet(String key, byte[] expected, byte[] newValue) {
        String refusal = checkKey(key);
        if (refusal == null) refusal = checkValue(expected, "expected value", true);
        if (refusal == null) refusal = checkValue(newValue, "new value", true);
        if (refusal != null) return rejected(refusal);
        byte[] expectedCopy = expected == null ? null : expected.clone();
        byte[] newCopy = newValue == null ? null : newValue.clone();
        return submit(Operation.write("cas " + key, KvResult.CasResult.class, deadline(),
                (clientId, seq, firstUnackedSeq) -> new KvCommand.Cas(clientId, seq, firstUnackedSeq, key, expectedCopy, newCopy)));
    }

    /** A linearizable read on the leader (ReadIndex, §6.4); retries are plain re-sends. Needs no session. */
    public CompletableFuture<KvResult.Value> get(String key) {
        String refusal = checkKey(key);
        if (refusal != null) return rejected(refusal);
        return submit(Operation.fixed("get " + key, RequestKind.READ, KvResult.Value.class, deadline(), new KvCommand.Get(key)));
    }

    /** Refreshes the session's last use so that an idle client is not expired (§6.3). */
    public CompletableFuture<KvResult.KeptAlive> keepAlive() {
        long clientId = clientId();
        if (clientId == 0) return CompletableFuture.failedFuture(noSession("keep-alive"));
        return submit(Operation.fixed("keep-alive", RequestKind.COMMAND, KvResult.KeptAlive.class, deadline(),
                new KvCommand.KeepAlive(clientId)));
    }

    /**
     * The JSON status of one node (any node, leader or not), over a connection of its own; one attempt,
     * bounded by the operation timeout. Fails with {@link KvTimeoutException} or {@link KvException}.
     */
    public CompletableFuture<String> status(InetSocketAddress node) {
        return status(node, false);
    }

    /**
     * As {@link #status(InetSocketAddress)}; with {@code withLatencyHistograms} the JSON also carries the node's
     * {@code latencyHistograms} (what a benchmark subtracts across its run; costs the node ~0.1 ms to encode).
     */
    public CompletableFuture<String> status(InetSocketAddress node, boolean withLatencyHistograms) {
        CompletableFuture<String> json = new CompletableFuture<>();
        long timeoutMillis = options.operationTimeoutMillis();
        String name = NodeAddresses.format(node);
        CompletableFuture<ClientConnection> connecting = ClientConnection.connect(resources, node,
                WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        connecting.thenCompose(connection -> withLatencyHistograms ? connection.statusWithLatencyHistograms()
                        : connection.status())
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> {
                    connecting.thenAccept(this::closeLater);
                    Throwable cause = unwrap(error);
                    if (cause instanceof TimeoutException) {
                        json.completeExceptionally(new KvTimeoutException("status of " + name + ": no answer within " + timeoutMillis + " ms"));
                    } else if (cause != null) {
                        json.completeExceptionally(new KvException("status of " + name + ": " + cause.getMessage(), cause));
                    } else if (response instanceof ClientResponse.Status status) {
                        json.complete(status.json());
                    } else {
                        json.completeExceptionally(new KvException("status of " + name + ": unexpected answer " + response));
                    }
                });
        return json;
    }

    /** The current session's client id; 0 before the first registration. */
    public long clientId() {
        synchronized (lock) {
            return session == null ? 0 : session.clientId;
        }
    }

    /** The node requests go to: the leader as far as the client knows (empty once closed). */
    public Optional<InetSocketAddress> currentLeader() {
        return leader.target();
    }

    public KvClientStats stats() {
        return counters.snapshot();
    }

    public List<InetSocketAddress> nodes() {
        return nodes;
    }

    public KvClientOptions options() {
        return options;
    }

    /**
     * Fails every unfinished operation with {@link KvException} (a write's outcome is then unknown), closes
     * the connection and, unless they were shared, the event loops. Blocks briefly; must not be called on one
     * of the client's I/O threads (a future's callback).
     */
    @Override
    public void close() {
        for (EventExecutor executor : resources.group()) {
            if (executor.inEventLoop()) throw new IllegalStateException("KvClient.close() called on one of its I/O threads");
        }
        synchronized (lock) {
            if (closed) return;
            closed = true;
            waiting.clear();
        }
        for (Operation<?> operation : new ArrayList<>(unfinished)) {
            driver.fail(operation, new KvException(operation.description + ": the client was closed"
                    + (operation.isWrite() ? "; the write may or may not have been applied" : "")));
        }
        leader.close();
        if (standbys != null) standbys.close();
        closer.shutdown();
        try {
            closer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsResources) resources.close();
    }

    /** Convenience for blocking callers (the CLI, tests): the result, or the operation's KvException. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvException("interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e.getCause());
            if (cause instanceof KvException kvException) throw kvException;
            throw new KvException(String.valueOf(cause.getMessage()), cause);
        }
    }

    private static CompletableFuture<KvClient> registered(KvClient client) {
        CompletableFuture<KvClient> connected = new CompletableFuture<>();
        // Async: on failure close() blocks, and the registration completes on one of the client's I/O threads.
        client.reregister().whenCompleteAsync((clientId, error) -> {
            if (error == null) {
                connected.complete(client);
            } else {
                client.close();
                connected.completeExceptionally(error);
            }
        });
        return connected;
    }

    private <T extends KvResult> CompletableFuture<T> submit(Operation<T> operation) {
        boolean startNow;
        String refusal = null;
        synchronized (lock) {
            if (closed) {
                refusal = operation.description + ": the client is closed";
                startNow = false;
            } else if (inFlight < options.maxInFlight()) {
                inFlight++;
                started.add(operation);
                startNow = true;
            } else if (waiting.size() < options.maxQueued()) {
                waiting.add(operation);
                startNow = false;
            } else {
                refusal = operation.description + ": " + options.maxQueued() + " operations already wait for one of "
                        + options.maxInFlight() + " in-flight slots";
                startNow = false;
            }
            if (refusal == null) unfinished.add(operation);
        }
        if (refusal != null) return CompletableFuture.failedFuture(new KvException(refusal));
        long delayNanos = operation.deadlineNanos - System.nanoTime();
        try {
            operation.setDeadlineTimer(resources.group().schedule(() -> driver.timeOut(operation),
                    Math.max(0, delayNanos), TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException shuttingDown) {
            driver.fail(operation, new KvException(operation.description + ": the client is closed"));
        }
        if (startNow) start(operation);
        return operation.future;
    }

    private void start(Operation<?> operation) {
        if (operation.isWrite()) {
            WriteSession current;
            synchronized (lock) {
                current = session;
            }
            if (current == null) {
                driver.fail(operation, noSession(operation.description));
                return;
            }
            operation.bindSession(current);
        }
        driver.attempt(operation);
    }

    /** Releases the operation's in-flight slot to the next waiting one. Runs once per operation. */
    private void onFinished(Operation<?> operation) {
        unfinished.remove(operation);
        Operation<?> next = null;
        synchronized (lock) {
            if (!started.remove(operation)) return; // finished while still queued: it held no slot
            while (next == null && !waiting.isEmpty()) {
                Operation<?> candidate = waiting.poll();
                if (!candidate.isFinished()) next = candidate;
            }
            if (next == null) {
                inFlight--;
                return;
            }
            started.add(next);
        }
        Operation<?> toStart = next;
        try {
            // Not inline: a chain of operations that each fail at once would otherwise grow the stack.
            resources.group().execute(() -> start(toStart));
        } catch (RejectedExecutionException shuttingDown) {
            driver.fail(toStart, new KvException(toStart.description + ": the client is closed"));
        }
    }

    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.operationTimeoutMillis());
    }

    private void closeLater(ClientConnection connection) {
        try {
            closer.execute(connection::close);
        } catch (RejectedExecutionException clientClosed) {
            // Shutting down the event loops closes it.
        }
    }

    private static SessionExpiredException noSession(String description) {
        return new SessionExpiredException(0, description + ": no session is registered; call reregister()", false);
    }

    private static String checkKey(String key) {
        try {
            KvLimits.keyBytes(key);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static String checkValue(byte[] value, String name, boolean nullAllowed) {
        if (value == null) return nullAllowed ? null : name + " is null";
        try {
            KvLimits.checkValue(value, name);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static <T> CompletableFuture<T> rejected(String reason) {
        return CompletableFuture.failedFuture(new KvRejectedException(reason));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
        return cause;
    }
}
