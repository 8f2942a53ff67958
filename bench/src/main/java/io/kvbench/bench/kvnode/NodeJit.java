package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The nodes' JIT compilation totals ({@code jitCompileMillis} in a node's status): read before and after a
 * measurement, they tell whether the target was still compiling its hot paths while it was being measured. A
 * total is the JVM's {@code CompilationMXBean} time: elapsed time in compilation summed over the compiler threads
 * (so it can grow faster than the clock, and a starved nice-19 compiler thread counts its waits). On this 2-core
 * machine a fresh node's total kept growing for 20-70 s of load. In a JVM that holds several nodes (an in-process
 * cluster) every node reports that one JVM's total, the load generator's compiling included.
 */
public final class NodeJit {
    private NodeJit() {
    }

    /**
     * Each node's total, in the order given; -1 for a node that answers without one (a JVM that does not report it).
     *
     * @throws IOException naming the node, when one does not answer its status request in time or answers garbage
     */
    public static long[] compileMillis(List<InetSocketAddress> nodes) throws IOException {
        return fromStatuses(NodeStatuses.read(nodes));
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
