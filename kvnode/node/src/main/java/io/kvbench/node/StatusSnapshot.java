package io.kvbench.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.kv.WriteAuditTotals;
import io.kvbench.net.InboundStats;
import io.kvbench.raft.RaftCore;
import io.kvbench.wal.WalStats;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What {@code kvnode status} reports, captured on the core thread and published for I/O threads to read.
 * {@code auditedWrites} and {@code auditRepeatApplications} are -1 unless the node runs with {@code --audit-writes}.
 * {@code jitCompileMillis} is the JVM's total JIT compilation time so far, summed over its compiler threads (-1 where
 * the JVM does not report it): a
 * benchmark reads it before and after a measurement to tell a node still compiling its hot paths from a warm one.
 * {@code startedWallMillis} tells one run of the node from the next (its cumulative counters start again).
 * {@link #toJson(NodeLatencies)} adds the node's latency histograms, taken when the JSON is written (so up to a
 * status refresh, 10 ticks, newer than the rest). {@code clientInbound} and {@code peerInbound} are each port's
 * connections, bytes of unfinished frames held against its budget and refusals by reason (null before the port is
 * open); {@code memory} is the JVM's heap and direct memory.
 */
public record StatusSnapshot(int nodeId, String clusterId, String role, long term, int leaderId,
                             String leaderClientAddress, long commitIndex, long appliedIndex, long lastIndex,
                             long firstIndex, long stableIndex, long logEntries, int sessions, int keys,
                             String fsyncMode, boolean storageFailed, String storageFailure, int peersConnected,
                             long walGroupCommits, long walForces, double walBatchesPerForce,
                             long auditedWrites, long auditRepeatApplications, long jitCompileMillis,
                             long monotonicNanos, long startedWallMillis, InboundStats clientInbound,
                             InboundStats peerInbound, MemoryUse memory) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The role a node reports once its storage failed, while it stops (fail-stop). */
    public static final String FAILED_ROLE = "FAILED";

    static StatusSnapshot of(NodeConfig config, RaftCore core, KvStateMachine stateMachine, boolean storageFailed,
                             String storageFailure, int peersConnected, WalStats walStats, long startedWallMillis,
                             InboundStats clientInbound, InboundStats peerInbound) {
        InetSocketAddress leaderAddress = config.clientAddresses().get(core.leaderId());
        Optional<WriteAuditTotals> audit = stateMachine.writeAuditTotals();
        // A node whose storage failed stops; until it has, it must not be taken for the leader it may still think it is.
        String role = storageFailed ? FAILED_ROLE : core.role().name();
        return new StatusSnapshot(config.nodeId(), config.clusterId(), role, core.term(), core.leaderId(),
                leaderAddress == null ? "" : leaderAddress.getHostString() + ":" + leaderAddress.getPort(),
                core.commitIndex(), stateMachine.lastAppliedIndex(), core.lastIndex(), core.firstIndex(),
                core.stableIndex(), core.lastIndex() - core.firstIndex() + 1, stateMachine.sessionCount(),
                stateMachine.keyCount(), config.syncMode().name().toLowerCase(), storageFailed, storageFailure,
                peersConnected, walStats.groupCommits(), walStats.forces(), walStats.batchesPerForce(),
                audit.map(WriteAuditTotals::distinctWrites).orElse(-1L),
                audit.map(WriteAuditTotals::repeatApplications).orElse(-1L), CompilerQueue.totalCompilationMillis(),
                System.nanoTime(), startedWallMillis, clientInbound, peerInbound, MemoryUse.now());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is not serializable", e);
        }
    }

    /** {@link #toJson()} plus {@code latencyHistograms}: {@link NodeLatencies#encoded()}, encoded now. */
    public String toJson(NodeLatencies latencies) {
        ObjectNode tree = JSON.valueToTree(this);
        tree.set("latencyHistograms", JSON.valueToTree(latencies.encoded()));
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is not serializable", e);
        }
    }
}
