package io.kvbench.net;

import io.kvbench.raft.Message;

import java.util.Map;
import java.util.TreeMap;

/** One {@link PeerClient} per other member; routes each message by its {@code to} field. */
public final class PeerConnections implements AutoCloseable {
    private final Map<Integer, PeerClient> clients;

    public PeerConnections(NettyResources resources, PeerConnectionsConfig config, PeerConnectionListener listener) {
        Map<Integer, PeerClient> byNode = new TreeMap<>();
        for (int peerNodeId : config.peerAddresses().keySet()) {
            byNode.put(peerNodeId, new PeerClient(resources, config, peerNodeId, listener));
        }
        this.clients = Map.copyOf(byNode);
    }

    /** Starts connecting to every peer. */
    public void start() {
        clients.values().forEach(PeerClient::start);
    }

    /** See {@link PeerClient#send}: never blocks; false when the message was dropped. */
    public boolean send(Message message) {
        return client(message.to()).send(message);
    }

    /** {@code peerNodeId} connected to us: see {@link PeerClient#peerIsUp}. Unknown ids are ignored. */
    public void peerIsUp(int peerNodeId) {
        PeerClient client = clients.get(peerNodeId);
        if (client != null) client.peerIsUp();
    }

    public boolean isConnected(int peerNodeId) {
        return client(peerNodeId).isConnected();
    }

    /** Messages handed to every peer's connection so far ({@link PeerClient#sentMessageCount}). */
    public long sentMessageCount() {
        return clients.values().stream().mapToLong(PeerClient::sentMessageCount).sum();
    }

    /** Flushes that reached every peer's socket so far ({@link PeerClient#socketFlushCount}). */
    public long socketFlushCount() {
        return clients.values().stream().mapToLong(PeerClient::socketFlushCount).sum();
    }

    public PeerClient client(int peerNodeId) {
        PeerClient client = clients.get(peerNodeId);
        if (client == null) throw new IllegalArgumentException("node " + peerNodeId + " is not a peer");
        return client;
    }

    @Override
    public void close() {
        clients.values().forEach(PeerClient::close);
    }
}
