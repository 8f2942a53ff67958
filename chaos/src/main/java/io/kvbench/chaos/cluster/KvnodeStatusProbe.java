package io.kvbench.chaos.cluster;

import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Asks kvnode processes for their status over the client protocol, keeping one connection per node so that
 * polling every few milliseconds does not open a socket each time. Shared by every cluster whose nodes are
 * kvnodes, however they are started ({@link LocalKvCluster}, a file-described cluster).
 */
public final class KvnodeStatusProbe implements AutoCloseable {
    private static final long LEADER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private final Duration timeout;
    private final NettyResources netty;
    private final Map<Integer, ClientConnection> connections = new ConcurrentHashMap<>();

    /**
     * @param threadName names the probe's Netty thread
     * @param timeout    the wait for a connection and for an answer; a node slower than this counts as not answering
     */
    public KvnodeStatusProbe(String threadName, Duration timeout) {
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

    /** Statuses of every node of a kvnode cluster that answers, by id (in {@link Cluster#nodeIds()} order). */
    public static Map<Integer, NodeStatus> statusesOf(Cluster cluster) {
        Map<Integer, NodeStatus> statuses = new LinkedHashMap<>();
        for (int id : cluster.nodeIds()) cluster.status(id).ifPresent(status -> statuses.put(id, status));
        return statuses;
    }

    /**
     * Polls {@link Cluster#findLeader()} every 10 ms until a leader appears; after the timeout throws an IOException
     * with every node's status and {@code whereToLook} (logs, a command log).
     */
    public static LeaderInfo awaitLeader(Cluster cluster, Duration timeout, String whereToLook) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<LeaderInfo> leader = cluster.findLeader();
            if (leader.isPresent()) return leader.get();
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no leader after " + timeout + "; statuses: "
                        + describe(statusesOf(cluster).values()) + "; " + whereToLook);
            }
            LockSupport.parkNanos(LEADER_POLL_NANOS);
        }
    }

    /**
     * A node reporting LEADER at the highest term among the responders, confirmed by a majority of the cluster
     * (itself included) reporting the same term and leader. A stale leader that was paused and still says
     * LEADER at an old term is therefore never returned once the others moved on.
     */
    public static Optional<LeaderInfo> leaderOf(Map<Integer, NodeStatus> statuses, int clusterSize) {
        NodeStatus best = null;
        for (NodeStatus status : statuses.values()) {
            if (status.isLeader() && (best == null || status.term() > best.term())) best = status;
        }
        if (best == null) return Optional.empty();
        NodeStatus leader = best;
        long confirming = statuses.values().stream()
                .filter(status -> status.term() == leader.term() && status.leaderId() == leader.nodeId())
                .count();
        return confirming > clusterSize / 2 ? Optional.of(new LeaderInfo(leader.nodeId(), leader.term())) : Optional.empty();
    }

    /** {@code n1=LEADER@3(leader 1), ...}: what the nodes said, for a "no leader" error. */
    public static String describe(Collection<NodeStatus> statuses) {
        return statuses.stream()
                .map(s -> "n" + s.nodeId() + "=" + s.role() + "@" + s.term() + "(leader " + s.leaderId() + ")")
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        for (Integer nodeId : connections.keySet()) {
            forget(nodeId);
        }
        netty.close();
    }
}
