package io.kvbench.chaos.cluster;

import io.kvbench.chaos.netns.BridgeNetwork;
import io.kvbench.chaos.netns.NetnsAvailability;
import io.kvbench.chaos.netns.NetworkNamespaces;
import io.kvbench.chaos.proxy.ProxyMesh;
import io.kvbench.node.local.NodeAddressPlan;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Where a {@link LocalKvCluster}'s nodes listen and how their peer links are cut, for one {@link NetworkMode}:
 * free loopback ports ({@link NodeAddressPlan#loopback}), the same behind a {@link ProxyMesh}, or fixed ports on each
 * node's own address in a {@link BridgeNetwork}. The launcher starts the nodes on this plan. {@link #close()}
 * releases the proxies or deletes the namespaces.
 */
final class LocalNetwork implements NodeAddressPlan, AutoCloseable {
    /** In a namespace every node has the whole port range to itself, so the ports are fixed, as on real hosts. */
    static final int NAMESPACE_PEER_PORT = 7001;
    static final int NAMESPACE_CLIENT_PORT = 8001;

    private final NetworkMode mode;
    private final Map<Integer, InetSocketAddress> peerAddresses;
    private final Map<Integer, InetSocketAddress> clientAddresses;
    private final ProxyMesh mesh;
    private final BridgeNetwork bridge;

    private LocalNetwork(NetworkMode mode, Map<Integer, InetSocketAddress> peerAddresses,
                         Map<Integer, InetSocketAddress> clientAddresses, ProxyMesh mesh, BridgeNetwork bridge) {
        this.mode = mode;
        this.peerAddresses = Map.copyOf(peerAddresses);
        this.clientAddresses = Map.copyOf(clientAddresses);
        this.mesh = mesh;
        this.bridge = bridge;
    }

    /** Sets up the requested network for nodes 1..nodeCount; AUTO picks NETNS or PROXY and prints which and why. */
    static LocalNetwork open(NetworkMode requested, int nodeCount) throws IOException {
        NetworkMode mode = resolve(requested, NetworkNamespaces::available);
        Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
        Map<Integer, InetSocketAddress> clients = new LinkedHashMap<>();
        if (mode == NetworkMode.NETNS) {
            List<Integer> ids = IntStream.rangeClosed(1, nodeCount).boxed().toList();
            BridgeNetwork bridge = BridgeNetwork.create(ids);
            for (int id : ids) {
                peers.put(id, new InetSocketAddress(bridge.address(id), NAMESPACE_PEER_PORT));
                clients.put(id, new InetSocketAddress(bridge.address(id), NAMESPACE_CLIENT_PORT));
            }
            return new LocalNetwork(mode, peers, clients, null, bridge);
        }
        NodeAddressPlan loopback = NodeAddressPlan.loopback(nodeCount);
        peers.putAll(loopback.peersFor(1)); // on loopback every node reaches the others where they listen
        clients.putAll(loopback.clientAddresses());
        ProxyMesh mesh = mode == NetworkMode.PROXY ? ProxyMesh.start(peers) : null;
        return new LocalNetwork(mode, peers, clients, mesh, null);
    }

    /** The mode to use for the requested one; asks {@code namespaces} only for NETNS and AUTO. */
    static NetworkMode resolve(NetworkMode requested, Supplier<NetnsAvailability> namespaces) throws IOException {
        if (requested != NetworkMode.NETNS && requested != NetworkMode.AUTO) return requested;
        NetnsAvailability netns = namespaces.get();
        if (requested == NetworkMode.NETNS) {
            if (netns.available()) return NetworkMode.NETNS;
            throw new IOException("network netns needs network namespaces, which are unavailable here: " + netns.reason()
                    + "; use network proxy, or auto to fall back to it");
        }
        if (netns.available()) {
            System.err.println("kvbench: network auto: netns (each node in its own network namespace)");
            return NetworkMode.NETNS;
        }
        System.err.println("kvbench: network auto: proxy, because network namespaces are unavailable: " + netns.reason());
        return NetworkMode.PROXY;
    }

    /** The mode in effect (never AUTO). */
    NetworkMode mode() {
        return mode;
    }

    /** Node {@code nodeId}'s {@code --peers} list: itself at its listen address, the others as it reaches them. */
    @Override
    public Map<Integer, InetSocketAddress> peersFor(int nodeId) {
        if (mesh != null) return mesh.peersFor(nodeId);
        Map<Integer, InetSocketAddress> sorted = new LinkedHashMap<>();
        peerAddresses.keySet().stream().sorted().forEach(id -> sorted.put(id, peerAddresses.get(id)));
        return sorted;
    }

    /** Every node's client address, in id order. */
    @Override
    public Map<Integer, InetSocketAddress> clientAddresses() {
        Map<Integer, InetSocketAddress> sorted = new LinkedHashMap<>();
        clientAddresses.keySet().stream().sorted().forEach(id -> sorted.put(id, clientAddresses.get(id)));
        return sorted;
    }

    /** What goes before the node's java command: {@code ip netns exec <namespace>} on NETNS, else nothing. */
    @Override
    public List<String> commandPrefix(int nodeId) {
        return bridge == null ? List.of() : bridge.execPrefix(nodeId);
    }

    Optional<ProxyMesh> proxyMesh() {
        return Optional.ofNullable(mesh);
    }

    Optional<BridgeNetwork> bridge() {
        return Optional.ofNullable(bridge);
    }

    void isolate(int nodeId) throws IOException {
        if (mesh != null) {
            mesh.isolate(nodeId);
        } else if (bridge != null) {
            bridge.isolate(nodeId);
        } else {
            throw unsupported("partition kvnode n" + nodeId);
        }
    }

    void rejoin(int nodeId) throws IOException {
        if (mesh != null) {
            mesh.rejoin(nodeId);
        } else if (bridge != null) {
            bridge.rejoin(nodeId);
        } else {
            throw unsupported("heal a partition of kvnode n" + nodeId);
        }
    }

    /** Cuts the directions together: the proxies' at once, the bridge's in one tc run. */
    void cut(Collection<PeerLink> links) throws IOException {
        if (mesh != null) {
            mesh.cut(links);
        } else if (bridge != null) {
            bridge.cut(links);
        } else {
            throw unsupported("cut " + links);
        }
    }

    void heal(Collection<PeerLink> links) throws IOException {
        if (mesh != null) {
            mesh.heal(links);
        } else if (bridge != null) {
            bridge.heal(links);
        } else {
            throw unsupported("heal " + links);
        }
    }

    void healAll() throws IOException {
        if (mesh != null) {
            mesh.healAll();
        } else if (bridge != null) {
            bridge.healAll();
        } else {
            throw unsupported("heal the peer links");
        }
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("cannot " + what + ": the cluster runs on network " + mode.label()
                + ", whose peer links cannot be cut; start it with network proxy, netns or auto");
    }

    /** Stops the proxies or deletes the namespaces, veths and bridge. Call after the nodes stopped. Never throws. */
    @Override
    public void close() {
        if (mesh != null) mesh.close();
        if (bridge != null) bridge.close();
    }
}
