package io.kvbench.bench.kvnode;

import io.kvbench.bench.etcd.FreePorts;
import io.kvbench.node.NodeConfig;
import io.kvbench.node.NodeRuntime;
import io.kvbench.node.StatusSnapshot;
import io.kvbench.wal.SyncMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Three (or N) kvnode {@link NodeRuntime}s in this JVM on loopback, each with its own data directory under
 * {@code directory}; built like the node module's own test cluster ({@code InProcessCluster}). For JMH and
 * tests; reference runs prefer {@link KvnodeProcessCluster}, separate processes like a real deployment.
 */
public final class InProcessKvnodeCluster implements AutoCloseable {
    private final Map<Integer, InetSocketAddress> peerAddresses = new TreeMap<>();
    private final Map<Integer, InetSocketAddress> clientAddresses = new TreeMap<>();
    private final Map<Integer, NodeRuntime> nodes = new TreeMap<>();
    private final Path directory;
    private final SyncMode syncMode;

    private InProcessKvnodeCluster(int size, Path directory, SyncMode syncMode) throws IOException {
        this.directory = directory;
        this.syncMode = syncMode;
        List<Integer> ports = FreePorts.allocate(2 * size);
        for (int id = 1; id <= size; id++) {
            peerAddresses.put(id, new InetSocketAddress("127.0.0.1", ports.get(2 * (id - 1))));
            clientAddresses.put(id, new InetSocketAddress("127.0.0.1", ports.get(2 * (id - 1) + 1)));
        }
    }

    /** Starts {@code size} nodes and waits until one of them leads. */
    public static InProcessKvnodeCluster start(int size, Path directory, SyncMode syncMode, Duration leaderTimeout)
            throws IOException {
        Files.createDirectories(directory);
        InProcessKvnodeCluster cluster = new InProcessKvnodeCluster(size, directory, syncMode);
        try {
            for (int id = 1; id <= size; id++) cluster.nodes.put(id, NodeRuntime.start(cluster.config(id)));
            cluster.awaitLeader(leaderTimeout);
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The node CLI's defaults (kvnode run): 1 ms ticks, election timeout [150, 300) ms, heartbeat 50 ms. */
    private NodeConfig config(int id) {
        return NodeConfig.builder(id, peerAddresses, clientAddresses, directory.resolve("node-" + id))
                .clusterId("bench-" + directory.getFileName()).eventLogFile(directory.resolve("node-" + id + ".events.jsonl"))
                .leaderLostTimeoutMaxMillis(10).syncMode(syncMode).build();
    }

    public List<InetSocketAddress> clientAddresses() {
        return new ArrayList<>(clientAddresses.values());
    }

    public Path directory() {
        return directory;
    }

    public StatusSnapshot status(int nodeId) {
        return nodes.get(nodeId).status();
    }

    public int awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Map.Entry<Integer, NodeRuntime> entry : nodes.entrySet()) {
                if ("LEADER".equals(entry.getValue().status().role())) return entry.getKey();
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("no leader within " + timeout);
            LockSupport.parkNanos(5_000_000);
        }
    }

    @Override
    public void close() {
        for (NodeRuntime node : nodes.values()) node.close();
        nodes.clear();
    }
}
