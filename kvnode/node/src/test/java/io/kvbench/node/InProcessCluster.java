package io.kvbench.node;

import io.kvbench.wal.WalOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/** N node runtimes in this JVM on loopback, for runtime tests that need no separate processes. */
final class InProcessCluster implements AutoCloseable {
    final Map<Integer, InetSocketAddress> peerAddresses = new TreeMap<>();
    final Map<Integer, InetSocketAddress> clientAddresses = new TreeMap<>();
    final Map<Integer, NodeRuntime> nodes = new TreeMap<>();
    private final Path directory;
    private final int snapshotEveryEntries;
    /** Per node id, the executor its snapshot jobs run on; null for the node's own thread. */
    private final IntFunction<Executor> snapshotExecutors;
    /** Per node id, what its WAL's options become (a channel factory that injects failures). */
    private final IntFunction<UnaryOperator<WalOptions>> walOptions;

    InProcessCluster(int size, Path directory) {
        this(size, directory, 50, id -> null);
    }

    InProcessCluster(int size, Path directory, int snapshotEveryEntries, IntFunction<Executor> snapshotExecutors) {
        this(size, directory, snapshotEveryEntries, snapshotExecutors, id -> UnaryOperator.identity());
    }

    InProcessCluster(int size, Path directory, int snapshotEveryEntries, IntFunction<Executor> snapshotExecutors,
                     IntFunction<UnaryOperator<WalOptions>> walOptions) {
        this.directory = directory;
        this.snapshotEveryEntries = snapshotEveryEntries;
        this.snapshotExecutors = snapshotExecutors;
        this.walOptions = walOptions;
        for (int id = 1; id <= size; id++) {
            peerAddresses.put(id, new InetSocketAddress("127.0.0.1", freePort()));
            clientAddresses.put(id, new InetSocketAddress("127.0.0.1", freePort()));
        }
        for (int id = 1; id <= size; id++) start(id);
    }

    NodeConfig config(int id) {
        return NodeConfig.builder(id, peerAddresses, clientAddresses, directory.resolve("node-" + id))
                .clusterId("test-" + directory.getFileName()).eventLogFile(directory.resolve("node-" + id + ".events.jsonl"))
                .heartbeatIntervalMillis(30).leaderLostTimeoutMaxMillis(10).snapshotEveryEntries(snapshotEveryEntries)
                .maxSessions(1000).auditWrites(true).build();
    }

    void start(int id) {
        try {
            nodes.put(id, NodeRuntime.start(config(id), snapshotExecutors.apply(id), walOptions.apply(id)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop(int id) {
        NodeRuntime node = nodes.remove(id);
        if (node != null) node.close();
    }

    Optional<Integer> leader() {
        for (Map.Entry<Integer, NodeRuntime> entry : nodes.entrySet()) {
            StatusSnapshot status = entry.getValue().status();
            if ("LEADER".equals(status.role())) return Optional.of(entry.getKey());
        }
        return Optional.empty();
    }

    int awaitLeader(Duration timeout) {
        awaitCondition(() -> leader().isPresent(), timeout, "a leader");
        return leader().orElseThrow();
    }

    static void awaitCondition(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            LockSupport.parkNanos(2_000_000);
        }
    }

    List<Integer> ids() {
        return new ArrayList<>(nodes.keySet());
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (int id : ids()) stop(id);
    }
}
