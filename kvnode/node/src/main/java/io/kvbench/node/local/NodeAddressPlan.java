package io.kvbench.node.local;

import io.kvbench.net.FreePorts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a local cluster's nodes listen and how each reaches its peers: by default free loopback ports
 * ({@link #loopback}); the chaos suite's networks put proxies between the nodes or each node in its own network
 * namespace.
 */
public interface NodeAddressPlan {
    /** Node {@code nodeId}'s {@code --peers} list, in id order: itself at its listen address, the others as it reaches them. */
    Map<Integer, InetSocketAddress> peersFor(int nodeId);

    /** Every node's client address, in id order. */
    Map<Integer, InetSocketAddress> clientAddresses();

    /** What goes before the node's java command line (e.g. {@code ip netns exec <namespace>}); nothing by default. */
    default List<String> commandPrefix(int nodeId) {
        return List.of();
    }

    /** Nodes 1..nodeCount on free ports of 127.0.0.1 ({@link FreePorts}), each reaching the others directly. */
    static NodeAddressPlan loopback(int nodeCount) throws IOException {
        List<Integer> ports = FreePorts.allocate(2 * nodeCount);
        Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
        Map<Integer, InetSocketAddress> clients = new LinkedHashMap<>();
        for (int id = 1; id <= nodeCount; id++) {
            peers.put(id, new InetSocketAddress("127.0.0.1", ports.get(2 * (id - 1))));
            clients.put(id, new InetSocketAddress("127.0.0.1", ports.get(2 * (id - 1) + 1)));
        }
        return new Loopback(Map.copyOf(peers), Map.copyOf(clients));
    }

    /** Every node listens on 127.0.0.1 and reaches its peers where they listen. */
    record Loopback(Map<Integer, InetSocketAddress> peers, Map<Integer, InetSocketAddress> clients)
            implements NodeAddressPlan {
        @Override
        public Map<Integer, InetSocketAddress> peersFor(int nodeId) {
            return sorted(peers);
        }

        @Override
        public Map<Integer, InetSocketAddress> clientAddresses() {
            return sorted(clients);
        }

        private static Map<Integer, InetSocketAddress> sorted(Map<Integer, InetSocketAddress> addresses) {
            Map<Integer, InetSocketAddress> sorted = new LinkedHashMap<>();
            addresses.keySet().stream().sorted().forEach(id -> sorted.put(id, addresses.get(id)));
            return sorted;
        }
    }
}
