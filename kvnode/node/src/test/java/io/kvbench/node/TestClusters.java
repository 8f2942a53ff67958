package io.kvbench.node;

import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.wal.WalOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * The runtime tests' clusters: {@link LocalCluster}'s in-process nodes with a 30 ms heartbeat, the write audit on and
 * the test's snapshot period; and the polling wait those tests use instead of sleeping.
 */
final class TestClusters {
    private TestClusters() {
    }

    static LocalCluster start(int size, Path directory) throws IOException {
        return start(size, directory, List.of());
    }

    /** With {@code nodeArguments} added to every node's {@code kvnode run} options. */
    static LocalCluster start(int size, Path directory, List<String> nodeArguments) throws IOException {
        return start(size, directory, 50, id -> null, id -> UnaryOperator.identity(), nodeArguments);
    }

    /** {@code snapshotExecutors}: per node id, the executor its snapshot jobs run on; null for the node's own thread. */
    static LocalCluster start(int size, Path directory, int snapshotEveryEntries, IntFunction<Executor> snapshotExecutors)
            throws IOException {
        return start(size, directory, snapshotEveryEntries, snapshotExecutors, id -> UnaryOperator.identity());
    }

    /** {@code walOptions}: per node id, what its WAL's options become (e.g. a channel factory that injects failures). */
    static LocalCluster start(int size, Path directory, int snapshotEveryEntries, IntFunction<Executor> snapshotExecutors,
                              IntFunction<UnaryOperator<WalOptions>> walOptions) throws IOException {
        return start(size, directory, snapshotEveryEntries, snapshotExecutors, walOptions, List.of());
    }

    /** With both: per node WAL options, and {@code nodeArguments} added to every node's {@code kvnode run} options. */
    static LocalCluster start(int size, Path directory, int snapshotEveryEntries, IntFunction<Executor> snapshotExecutors,
                              IntFunction<UnaryOperator<WalOptions>> walOptions, List<String> nodeArguments)
            throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--snapshot-every", Integer.toString(snapshotEveryEntries),
                "--max-sessions", "1000"));
        arguments.addAll(nodeArguments);
        return LocalCluster.start(LocalClusterSpec.builder().nodeCount(size).clusterId("test-" + directory.getFileName())
                .heartbeatMillis(30).leaderLostMaxMillis(10).auditWrites(true)
                .extraNodeArguments(arguments)
                .inProcess(config -> NodeRuntime.start(config, snapshotExecutors.apply(config.nodeId()), walOptions.apply(config.nodeId())))
                .build(), directory);
    }

    static void awaitCondition(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            LockSupport.parkNanos(2_000_000);
        }
    }
}
