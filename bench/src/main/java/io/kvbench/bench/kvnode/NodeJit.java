package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The nodes' JIT compilation totals ({@code jitCompileMillis} in a node's status): read before and after a
 * measurement, they tell whether the target was still compiling its hot paths while it was being measured. On a
 * 2-core machine a fresh node compiles for 15-25 s of sequential writes, longer than most warm-ups.
 */
public final class NodeJit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeJit() {
    }

    /** Each node's total, in the order given; -1 for a node that did not answer or does not report one. */
    public static long[] compileMillis(List<InetSocketAddress> nodes) {
        long[] totals = new long[nodes.size()];
        try (KvClient client = KvClient.create(nodes, KvClientOptions.defaults())) {
            for (int index = 0; index < nodes.size(); index++) {
                try {
                    totals[index] = JSON.readTree(client.status(nodes.get(index)).get(5, TimeUnit.SECONDS))
                            .path("jitCompileMillis").asLong(-1);
                } catch (Exception e) {
                    if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                    totals[index] = -1;
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
