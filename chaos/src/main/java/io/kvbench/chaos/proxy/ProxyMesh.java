package io.kvbench.chaos.proxy;

import io.kvbench.chaos.cluster.PeerLink;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One {@link LinkProxy} per directed pair of nodes: node i reaches node j through proxy(i→j), which forwards to
 * j's real peer port. Since a node sends its Raft messages on the connection it dials, cutting proxy(i→j) stops
 * exactly the i→j messages. {@link #peersFor(int)} is node i's peer list: its own entry is its real listen
 * address, every other entry the proxy of i's link to that node.
 */
public final class ProxyMesh implements AutoCloseable {
    private final Map<Integer, InetSocketAddress> realPeers;
    private final Map<List<Integer>, LinkProxy> links = new LinkedHashMap<>();

    private ProxyMesh(Map<Integer, InetSocketAddress> realPeers) {
        this.realPeers = Map.copyOf(realPeers);
    }

    /** Starts the n·(n−1) proxies; on failure closes those it started. */
    public static ProxyMesh start(Map<Integer, InetSocketAddress> realPeers) throws IOException {
        ProxyMesh mesh = new ProxyMesh(realPeers);
        try {
            for (int from : realPeers.keySet()) {
                for (Map.Entry<Integer, InetSocketAddress> to : realPeers.entrySet()) {
                    if (to.getKey() == from) continue;
                    mesh.links.put(List.of(from, to.getKey()), LinkProxy.start(from + "->" + to.getKey(), to.getValue()));
                }
            }
            return mesh;
        } catch (IOException | RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    /** The proxy that carries {@code from}'s connections to {@code to}. */
    public LinkProxy link(int from, int to) {
        LinkProxy proxy = links.get(List.of(from, to));
        if (proxy == null) throw new IllegalArgumentException("no link n" + from + "->n" + to + " among nodes " + new TreeSet<>(realPeers.keySet()));
        return proxy;
    }

    /** Node {@code nodeId}'s peer addresses, by id, in id order: itself real, the others through its proxies. */
    public Map<Integer, InetSocketAddress> peersFor(int nodeId) {
        Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
        realPeers.keySet().stream().sorted().forEach(id ->
                peers.put(id, id == nodeId ? realPeers.get(id) : link(nodeId, id).address()));
        return peers;
    }

    /**
     * Cuts the given directions. What node a sends node b travels two ways: forward on proxy(a→b), the connection
     * a dials (its Raft messages), and in reverse on proxy(b→a), the connection b dials (a's handshake replies).
     * Cutting a→b black-holes both, so b hears nothing from a while a still hears b, as with a one-way packet drop.
     */
    public void cut(Collection<PeerLink> links) {
        requireNodes(links);
        for (PeerLink link : links) {
            link(link.from(), link.to()).cut(LinkProxy.Direction.FORWARD);
            link(link.to(), link.from()).cut(LinkProxy.Direction.REVERSE);
        }
    }

    /** Heals the given directions; see {@link LinkProxy#heal(LinkProxy.Direction)} for the connections it closes. */
    public void heal(Collection<PeerLink> links) {
        requireNodes(links);
        for (PeerLink link : links) {
            link(link.from(), link.to()).heal(LinkProxy.Direction.FORWARD);
            link(link.to(), link.from()).heal(LinkProxy.Direction.REVERSE);
        }
    }

    /** Whether what {@code link.from()} sends {@code link.to()} is cut. */
    public boolean isCut(PeerLink link) {
        return link(link.from(), link.to()).isCut(LinkProxy.Direction.FORWARD);
    }

    /** Cuts every link to and from {@code nodeId}: both directions of each. */
    public void isolate(int nodeId) {
        cut(PeerLink.allOf(requireNode(nodeId), realPeers.keySet()));
    }

    /** Heals every link to and from {@code nodeId}. */
    public void rejoin(int nodeId) {
        heal(PeerLink.allOf(requireNode(nodeId), realPeers.keySet()));
    }

    /** Heals every link. */
    public void healAll() {
        links.values().forEach(LinkProxy::heal);
    }

    /** Every link's nodes, before any is cut or healed. */
    private void requireNodes(Collection<PeerLink> links) {
        for (PeerLink link : links) {
            requireNode(link.from());
            requireNode(link.to());
        }
    }

    private int requireNode(int nodeId) {
        if (!realPeers.containsKey(nodeId)) throw new IllegalArgumentException("no node " + nodeId + " in " + new TreeSet<>(realPeers.keySet()));
        return nodeId;
    }

    @Override
    public void close() {
        links.values().forEach(LinkProxy::close);
    }
}
