package io.kvbench.bench.target;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import io.kvbench.client.KvException;
import io.kvbench.client.KvRejectedException;
import io.kvbench.client.KvTimeoutException;
import io.kvbench.client.SessionExpiredException;
import io.kvbench.client.StorageFailedException;
import io.kvbench.kv.KvResult;
import io.kvbench.net.NettyResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kvnode cluster as a {@link Target}, through {@link KvClient}: {@code connections} clients (one session
 * and one leader connection each) on shared event loops, used in turn. Writes carry the session's
 * (clientId, seq), so the client's retries are never applied twice (§6.3); GET is a linearizable ReadIndex
 * read (§6.4).
 *
 * <p>Outcomes: a put's {@code Written} is OK; a get's absent value NOT_FOUND; a cas that did not swap
 * CAS_MISMATCH; the client's deadline TIMEOUT; everything else FAILED with a kind ({@code rejected},
 * {@code session_expired}, {@code storage_failed}, {@code client}, ...). The client retries NotLeader,
 * OVERLOADED and lost connections itself until the operation timeout, as a real application would see it.
 */
public final class KvnodeTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<InetSocketAddress> nodes;
    private final int connections;
    private final KvClientOptions options;
    private final List<KvClient> clients = new ArrayList<>();
    private final AtomicInteger nextClient = new AtomicInteger();
    private NettyResources netty;
    private String fsyncMode = "unknown";

    /**
     * @param nodes                 every node's client address; the clients find the leader among them
     * @param connections           clients (each with its own session and connection) to spread operations over
     * @param inFlightPerConnection the client's in-flight bound; beyond it operations queue inside the client
     * @param operationTimeout      an operation not answered by then (retries included) is TIMEOUT
     */
    public KvnodeTarget(List<InetSocketAddress> nodes, int connections, int inFlightPerConnection,
            Duration operationTimeout) {
        this(nodes, connections, KvClientOptions.defaults().withOperationTimeoutMillis(operationTimeout.toMillis())
                .withMaxInFlight(checkedInFlight(inFlightPerConnection)));
    }

    /**
     * With every client option given, e.g. a chaos campaign's attempt timeout (how soon a silent leader is
     * given up for another node) and retry backoff. {@code options.maxInFlight()} is per connection; the
     * options' I/O threads are unused (the target's one event loop serves every client).
     */
    public KvnodeTarget(List<InetSocketAddress> nodes, int connections, KvClientOptions options) {
        if (nodes.isEmpty() || connections < 1) {
            throw new IllegalArgumentException("need a node and a connection");
        }
        this.nodes = List.copyOf(nodes);
        this.connections = connections;
        this.options = options;
    }

    private static int checkedInFlight(int inFlightPerConnection) {
        if (inFlightPerConnection < 1) {
            throw new IllegalArgumentException("need a node, a connection and an in-flight slot");
        }
        return inFlightPerConnection;
    }

    @Override
    public String name() {
        return "kvnode";
    }

    /** The node's own word, from its status JSON ("always" or "none"), read from the leader at {@link #open}. */
    @Override
    public String fsyncMode() {
        return fsyncMode;
    }

    @Override
    public void open() throws IOException {
        // One I/O thread for every client: the machine is shared with the nodes and the generator.
        netty = new NettyResources("kvnode-target", 1);
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(KvClient.connect(nodes, options, netty).get(30, TimeUnit.SECONDS));
            }
            KvClient first = clients.get(0);
            InetSocketAddress leader = first.currentLeader().orElse(nodes.get(0));
            String status = first.status(leader).get(30, TimeUnit.SECONDS);
            fsyncMode = JSON.readTree(status).path("fsyncMode").asText("unknown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + nodes, e);
        } catch (ExecutionException e) {
            close();
            // The cause's words, not ExecutionException's, which start with the cause's class name.
            throw new IOException("cannot connect to kvnode at " + nodes + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            close();
            throw new IOException("cannot connect to kvnode at " + nodes + ": no answer within 30 s", e);
        }
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        KvClient client = clients.get(Math.floorMod(nextClient.getAndIncrement(), clients.size()));
        switch (operation.kind()) {
            case PUT:
                return client.put(operation.key(), operation.value())
                        .handle((written, failure) -> failure != null ? failed(failure) : OpResult.ok());
            case GET:
                return client.get(operation.key())
                        .handle((read, failure) -> failure != null ? failed(failure) : found(read));
            case CAS:
                return client.compareAndSet(operation.key(), operation.expected(), operation.value())
                        .handle((cas, failure) -> failure != null ? failed(failure)
                                : cas.swapped() ? OpResult.ok() : OpResult.casMismatch());
            default:
                throw new IllegalArgumentException("unknown operation " + operation.kind());
        }
    }

    /** The clients' one I/O thread: every client's connection and timers live on it. */
    @Override
    public ScheduledExecutorService sendingLoop() {
        return netty == null ? null : netty.group().next();
    }

    private static OpResult found(KvResult.Value read) {
        byte[] value = read.value();
        return value == null ? OpResult.notFound() : OpResult.ok(value);
    }

    static OpResult failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof KvTimeoutException) return OpResult.timeout();
        if (cause instanceof SessionExpiredException) return OpResult.failed("session_expired");
        if (cause instanceof StorageFailedException) return OpResult.failed("storage_failed");
        if (cause instanceof KvRejectedException) return OpResult.failed("rejected");
        if (cause instanceof KvException) return OpResult.failed("client");
        return OpResult.failed(cause.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT));
    }

    @Override
    public void close() {
        for (KvClient client : clients) client.close();
        clients.clear();
        if (netty != null) netty.close();
        netty = null;
    }
}
