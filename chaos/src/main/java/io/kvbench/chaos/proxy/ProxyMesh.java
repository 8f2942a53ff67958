package io.kvbench.chaos.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        if (proxy == null) throw new IllegalArgumentException("no link " + from + "->" + to);
        return proxy;
    }

    /** Node {@code nodeId}'s peer addresses, by id, in id order: itself real, the others through its proxies. */
    public Map<Integer, InetSocketAddress> peersFor(int nodeId) {
        Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
        realPeers.keySet().stream().sorted().forEach(id ->
                peers.put(id, id == nodeId ? realPeers.get(id) : link(nodeId, id).address()));
        return peers;
    }

    /** Cuts every link to and from {@code nodeId}. */
    public void isolate(int nodeId) {
        links.forEach((pair, proxy) -> {
            if (pair.contains(nodeId)) proxy.cut();
        });
    }

    /** Heals every link to and from {@code nodeId}. */
    public void rejoin(int nodeId) {
        links.forEach((pair, proxy) -> {
            if (pair.contains(nodeId)) proxy.heal();
        });
    }

    /** Heals every link. */
    public void healAll() {
        links.values().forEach(LinkProxy::heal);
    }

    @Override
    public void close() {
        links.values().forEach(LinkProxy::close);
    }
}
