package io.kvbench.client;

import io.kvbench.net.ClientConnection;
import io.kvbench.net.NettyResources;
import io.kvbench.net.WireFormat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The one connection the client sends on: to the node it believes is the leader. Operations report what
 * they learned about the {@link Slot} they used (a redirect, a failure); only the first report about the
 * current slot moves the client, so 256 requests timing out together on a silent leader move it one node,
 * not 256. Thread-safe (one lock around the target and the slot).
 */
final class LeaderConnection implements AutoCloseable {
    /** One connection attempt to one node; identity tells stale reports from current ones. */
    static final class Slot {
        final InetSocketAddress address;
        final CompletableFuture<ClientConnection> connection;

        private Slot(InetSocketAddress address, CompletableFuture<ClientConnection> connection) {
            this.address = address;
            this.connection = connection;
        }

        private boolean isBroken() {
            return ConnectionFutures.isBroken(connection);
        }
    }

    private final NettyResources resources;
    private final List<InetSocketAddress> nodes;
    private final int connectTimeoutMillis;
    /** Runs the blocking {@link ClientConnection#close()}, which must not run on an I/O thread. */
    private final Executor closer;
    private final ClientCounters counters;

    /**
     * True from a failover (the node we sent to closed, went silent or knew no leader) until a node answers as
     * leader or names one: while set, retries also fan out to the other nodes. Read without the lock on every
     * success, so it is volatile and written under it.
     */
    private volatile boolean leaderUnknown;

    // Guarded by this.
    private InetSocketAddress failedNode;
    private InetSocketAddress target;
    private Slot current;
    private long connectionsOpened;
    private boolean closed;

    LeaderConnection(NettyResources resources, List<InetSocketAddress> nodes, int connectTimeoutMillis, Executor closer,
                     ClientCounters counters) {
        this.resources = resources;
        this.nodes = nodes;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.closer = closer;
        this.counters = counters;
        this.target = nodes.get(0);
    }

    /** The slot to send on, connecting if needed; null once closed. */
    synchronized Slot current() {
        if (closed) return null;
        // The node we sent to closed or could not be reached: as good as a failover report.
        if (current != null && current.isBroken()) failoverLocked(current);
        if (current == null) {
            connectionsOpened++;
            if (connectionsOpened > 1) counters.reconnects.increment();
            current = new Slot(target, ClientConnection.connect(resources, target,
                    WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, connectTimeoutMillis));
        }
        return current;
    }

    /** The node the client sends to: its best knowledge of the leader. */
    synchronized Optional<InetSocketAddress> target() {
        return closed ? Optional.empty() : Optional.of(target);
    }

    /** {@code failed} did not answer, closed, or cannot serve: move on round-robin to the next node. */
    synchronized void failover(Slot failed) {
        if (failed == current) failoverLocked(failed);
    }

    private void failoverLocked(Slot failed) {
        failedNode = failed.address;
        leaderUnknown = true;
        moveLocked(failed, nodeAfter(failed.address));
    }

    /** {@code from} named {@code leader} in a NotLeader answer: go there. */
    synchronized void redirect(Slot from, InetSocketAddress leader) {
        if (from != current) return;
        leaderUnknown = false;
        moveLocked(from, knownAddress(leader));
    }

    /** {@code slot}'s node answered as leader. */
    void answeredAsLeader(Slot slot) {
        if (!leaderUnknown) return;
        synchronized (this) {
            if (slot == current) leaderUnknown = false;
        }
    }

    /**
     * {@code node}, not the one we send to, answered as leader (to a fanned-out copy): send there from now on.
     * Requests still pending on the old slot fail when it closes and are retried on the new one, with the same
     * seq, so none is applied twice (§6.3).
     */
    synchronized void adopt(InetSocketAddress node) {
        leaderUnknown = false;
        if (closed || node.equals(target)) return;
        if (current == null) {
            target = knownAddress(node);
        } else {
            moveLocked(current, knownAddress(node));
        }
    }

    boolean leaderUnknown() {
        return leaderUnknown;
    }

    /**
     * The nodes a retry fans out to while the leader is unknown: every node but {@code sendingTo} and the one
     * that just failed (a dead leader would only cost a connect attempt).
     */
    synchronized List<InetSocketAddress> fanOutTargets(InetSocketAddress sendingTo) {
        List<InetSocketAddress> others = new ArrayList<>(nodes.size());
        for (InetSocketAddress node : nodes) {
            if (!node.equals(sendingTo) && !node.equals(failedNode)) others.add(node);
        }
        return others;
    }

    @Override
    public void close() {
        Slot last;
        synchronized (this) {
            closed = true;
            last = current;
            current = null;
        }
        if (last != null) ConnectionFutures.closeNowOrWhenConnected(last.connection, closer);
    }

    private void moveLocked(Slot old, InetSocketAddress next) {
        current = null;
        target = next;
        // Closing fails the requests still pending on it; their operations retry on the new slot.
        ConnectionFutures.closeWhenConnected(old.connection, closer);
    }

    private InetSocketAddress nodeAfter(InetSocketAddress address) {
        int index = nodes.indexOf(address);
        // A redirect may name a node outside the list; after it fails, start over from the list's head.
        return nodes.get(index < 0 ? 0 : (index + 1) % nodes.size());
    }

    /** The configured instance when the leader is one of our nodes, so round-robin continues from it. */
    private InetSocketAddress knownAddress(InetSocketAddress leader) {
        int index = nodes.indexOf(leader);
        return index < 0 ? leader : nodes.get(index);
    }
}
