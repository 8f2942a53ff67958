package io.kvbench.bench.target;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.bench.kvnode.KvnodeSessionConnection;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ConnectionClosedException;
import io.kvbench.net.NettyResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kvnode cluster as a {@link Target}: {@code connections} client sessions on the leader, used in turn.
 * Writes go through the log with a session's (clientId, seq) so a retry is never applied twice (§6.3); GET is
 * a linearizable ReadIndex read (§6.4). Outcomes: a put's Written is OK; a get's absent value NOT_FOUND;
 * a cas that did not swap CAS_MISMATCH; everything else FAILED with a kind ({@code not_leader},
 * {@code error_overloaded}, {@code session_unknown}, {@code connection_closed}, ...), or TIMEOUT.
 */
public final class KvnodeTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<InetSocketAddress> nodes;
    private final int connections;
    private final Duration operationTimeout;
    private final List<KvnodeSessionConnection> sessions = new ArrayList<>();
    private final AtomicInteger nextSession = new AtomicInteger();
    private NettyResources netty;
    private String fsyncMode = "unknown";

    /**
     * @param nodes            every node's client address; the leader is found among them
     * @param connections      sessions (each on its own connection) to spread operations over
     * @param operationTimeout an operation not answered by then is TIMEOUT
     */
    public KvnodeTarget(List<InetSocketAddress> nodes, int connections, Duration operationTimeout) {
        if (nodes.isEmpty() || connections < 1) throw new IllegalArgumentException("need a node and a connection");
        this.nodes = List.copyOf(nodes);
        this.connections = connections;
        this.operationTimeout = operationTimeout;
    }

    @Override
    public String name() {
        return "kvnode";
    }

    /** The node's own word, from its status JSON ("always" or "none"), read at {@link #open}. */
    @Override
    public String fsyncMode() {
        return fsyncMode;
    }

    @Override
    public void open() throws IOException {
        // One I/O thread: the machine is shared with the nodes and the generator.
        netty = new NettyResources("kvnode-target", 1);
        Duration setUpTimeout = Duration.ofSeconds(10);
        for (int i = 0; i < connections; i++) sessions.add(KvnodeSessionConnection.open(netty, nodes, setUpTimeout));
        fsyncMode = JSON.readTree(sessions.get(0).statusJson(setUpTimeout)).path("fsyncMode").asText("unknown");
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        KvnodeSessionConnection session = sessions.get(Math.floorMod(nextSession.getAndIncrement(), sessions.size()));
        CompletableFuture<ClientResponse> response;
        switch (operation.kind()) {
            case PUT:
                response = session.put(operation.key(), operation.value());
                break;
            case GET:
                response = session.get(operation.key());
                break;
            case CAS:
                response = session.compareAndSet(operation.key(), operation.expected(), operation.value());
                break;
            default:
                throw new IllegalArgumentException("unknown operation " + operation.kind());
        }
        return response.orTimeout(operationTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((answer, failure) -> failure != null ? failed(failure) : outcome(operation.kind(), answer));
    }

    static OpResult outcome(OperationKind kind, ClientResponse response) {
        if (response instanceof ClientResponse.NotLeader) return OpResult.failed("not_leader");
        if (response instanceof ClientResponse.Error error) {
            return OpResult.failed("error_" + error.code().name().toLowerCase(Locale.ROOT));
        }
        if (!(response instanceof ClientResponse.Result result)) return OpResult.failed("unexpected_" + response.kind());
        KvResult answer = KvResultCodec.decode(result.result());
        if (answer instanceof KvResult.Written && kind == OperationKind.PUT) return OpResult.ok();
        if (answer instanceof KvResult.Value value && kind == OperationKind.GET) {
            byte[] bytes = value.value();
            return bytes == null ? OpResult.notFound() : OpResult.ok(bytes);
        }
        if (answer instanceof KvResult.CasResult cas && kind == OperationKind.CAS) {
            return cas.swapped() ? OpResult.ok() : OpResult.casMismatch();
        }
        return OpResult.failed(snakeCase(answer.getClass().getSimpleName()));
    }

    private static OpResult failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) return OpResult.timeout();
        if (cause instanceof ConnectionClosedException) return OpResult.failed("connection_closed");
        return OpResult.failed(snakeCase(cause.getClass().getSimpleName()));
    }

    private static String snakeCase(String name) {
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        for (KvnodeSessionConnection session : sessions) session.close();
        sessions.clear();
        if (netty != null) netty.close();
    }
}
