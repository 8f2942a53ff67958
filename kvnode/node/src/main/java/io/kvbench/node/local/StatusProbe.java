package io.kvbench.node.local;

import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks kvnodes for their status over the client protocol, keeping one connection per node so that polling every
 * few milliseconds does not open a socket each time. The launcher's readiness rule and leader lookup use it; so does
 * anything else that asks kvnodes, however they were started (a cluster file's, {@code kvbench cluster status}).
 */
public final class StatusProbe implements AutoCloseable {
    private final Duration timeout;
    private final NettyResources netty;
    private final Map<Integer, ClientConnection> connections = new ConcurrentHashMap<>();

    /**
     * @param threadName names the probe's Netty thread
     * @param timeout    the wait for a connection and for an answer; a node slower than this counts as not answering
     */
    public StatusProbe(String threadName, Duration timeout) {
        this.timeout = timeout;
        this.netty = new NettyResources(threadName, 1);
    }

    /** The node's status, or empty if it does not answer within the timeout (stopped, paused, starting, unreachable). */
    public Optional<NodeStatus> status(int nodeId, InetSocketAddress clientAddress) {
        try {
            ClientConnection connection = connections.get(nodeId);
            if (connection == null || !connection.isOpen()) {
                connection = ClientConnection.connect(netty, clientAddress, 1 << 20, (int) timeout.toMillis())
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                ClientConnection previous = connections.put(nodeId, connection);
                if (previous != null) previous.close();
            }
            ClientResponse response = connection.status().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response instanceof ClientResponse.Status status) {
                return Optional.of(NodeStatus.parse(status.json()));
            }
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            forget(nodeId);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Drops the node's connection: after a fault it may be dead or stuck, and the next status should reconnect. */
    public void forget(int nodeId) {
        ClientConnection connection = connections.remove(nodeId);
        if (connection != null) connection.close();
    }

    @Override
    public void close() {
        for (Integer nodeId : connections.keySet()) {
            forget(nodeId);
        }
        netty.close();
    }
}
