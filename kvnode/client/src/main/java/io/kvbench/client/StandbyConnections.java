package io.kvbench.client;

import io.kvbench.net.ClientConnection;
import io.kvbench.net.NettyResources;
import io.kvbench.net.WireFormat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Connections to nodes other than the one {@link LeaderConnection} sends to, for the failover fan-out
 * ({@link KvClientOptions#failoverFanOut()}). Opened on the first failover, kept afterwards (a later failover
 * then costs no connect), replaced when broken. Nothing is sent on them while the leader is known.
 * Thread-safe.
 */
final class StandbyConnections implements AutoCloseable {
    private final NettyResources resources;
    private final int connectTimeoutMillis;
    /** Runs the blocking {@link ClientConnection#close()}, which must not run on an I/O thread. */
    private final Executor closer;

    // Guarded by this.
    private final Map<InetSocketAddress, CompletableFuture<ClientConnection>> byNode = new HashMap<>();
    private boolean closed;

    StandbyConnections(NettyResources resources, int connectTimeoutMillis, Executor closer) {
        this.resources = resources;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.closer = closer;
    }

    /** A connection to {@code node}, connecting if there is none or it broke; null once closed. */
    synchronized CompletableFuture<ClientConnection> to(InetSocketAddress node) {
        if (closed) return null;
        CompletableFuture<ClientConnection> connection = byNode.get(node);
        if (connection != null && ConnectionFutures.isBroken(connection)) {
            ConnectionFutures.closeWhenConnected(connection, closer);
            connection = null;
        }
        if (connection == null) {
            connection = ClientConnection.connect(resources, node, WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, connectTimeoutMillis);
            byNode.put(node, connection);
        }
        return connection;
    }

    @Override
    public void close() {
        List<CompletableFuture<ClientConnection>> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(byNode.values());
            byNode.clear();
        }
        for (CompletableFuture<ClientConnection> connection : open) ConnectionFutures.closeNowOrWhenConnected(connection, closer);
    }
}
