package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The nodes' JIT compilation totals ({@code jitCompileMillis} in a node's status): read before and after a
 * measurement, they tell whether the target was still compiling its hot paths while it was being measured. A
 * total is the JVM's {@code CompilationMXBean} time: elapsed time in compilation summed over the compiler threads
 * (so it can grow faster than the clock, and a starved nice-19 compiler thread counts its waits). On this 2-core
 * machine a fresh node's total kept growing for 20-70 s of load. In a JVM that holds several nodes (an in-process
 * cluster) every node reports that one JVM's total, the load generator's compiling included.
 */
public final class NodeJit {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STATUS_TIMEOUT_SECONDS = 5;

    private NodeJit() {
    }

    /**
     * Each node's total, in the order given; -1 for a node that answers without one (a JVM that does not report it).
     *
     * @throws IOException naming the node, when one does not answer its status request in time or answers garbage
     */
    public static long[] compileMillis(List<InetSocketAddress> nodes) throws IOException {
        long[] totals = new long[nodes.size()];
        try (KvClient client = KvClient.create(nodes, KvClientOptions.defaults())) {
            for (int index = 0; index < nodes.size(); index++) {
                InetSocketAddress node = nodes.get(index);
                try {
                    totals[index] = JSON.readTree(client.status(node).get(STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                            .path("jitCompileMillis").asLong(-1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted reading the status of " + node, e);
                } catch (ExecutionException | TimeoutException | IOException e) {
                    throw new IOException("no JIT total from " + node + ": " + e, e);
                }
            }
        }
        return totals;
    }

    /** The totals in a JSON array of node statuses (-1 where absent). */
    public static long[] fromStatuses(JsonNode statuses) {
        long[] totals = new long[statuses.size()];
        for (int index = 0; index < totals.length; index++) totals[index] = statuses.get(index).path("jitCompileMillis").asLong(-1);
        return totals;
    }

    /** The largest growth of any one node's total between two readings; nodes without a total in either are skipped. */
    public static long largestGrowthMillis(long[] before, long[] after) {
        if (before.length != after.length) throw new IllegalArgumentException("readings of " + before.length + " and " + after.length + " nodes");
        long largest = 0;
        for (int index = 0; index < before.length; index++) {
            if (before[index] >= 0 && after[index] >= 0) largest = Math.max(largest, after[index] - before[index]);
        }
        return largest;
    }
}
