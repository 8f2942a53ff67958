package io.kvbench.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.driver.ReplicaDriver;
import io.kvbench.driver.SnapshotReceiver;
import io.kvbench.driver.SnapshotSender;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.kv.WriteAuditTotals;
import io.kvbench.net.InboundStats;
import io.kvbench.raft.FollowerProgress;
import io.kvbench.raft.RaftCore;
import io.kvbench.wal.WalStats;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
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
 * open); {@code memory} is the JVM's heap and direct memory. {@code budgets} is what the node holds against its byte
 * budgets (docs/limits.md); {@code followers}, on a leader, each follower's replication and any snapshot on its way to
 * it; {@code snapshotReceiving}, on a follower, the snapshot it is receiving (null if none); {@code writePath}, the
 * switches of issue 19 in effect and the counters of the write path's hand-offs (system calls and tasks per write).
 */
public record StatusSnapshot(int nodeId, String clusterId, String role, long term, int leaderId,
                             String leaderClientAddress, long commitIndex, long appliedIndex, long lastIndex,
                             long firstIndex, long stableIndex, long logEntries, int sessions, int keys,
                             String fsyncMode, boolean storageFailed, String storageFailure, int peersConnected,
                             long walGroupCommits, long walForces, double walBatchesPerForce,
                             long auditedWrites, long auditRepeatApplications, long jitCompileMillis,
                             long monotonicNanos, long startedWallMillis, InboundStats clientInbound,
                             InboundStats peerInbound, MemoryUse memory, Budgets budgets, List<FollowerStatus> followers,
                             ReceivingStatus snapshotReceiving, WritePath writePath) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The role a node reports once its storage failed, while it stops (fail-stop). */
    public static final String FAILED_ROLE = "FAILED";

    /**
     * @param stateBytes            what the replicated state holds, as counted against {@code quotaBytes}
     * @param quotaBytes            this node's quota, stamped on the writes it proposes as leader
     * @param quotaRefusals         writes this replica refused for the quota since it started or restored a snapshot
     * @param logBytes              the in-memory log (entries after the snapshot)
     * @param maxLogBytes           beyond it, as leader, this node takes no proposal
     * @param logBytesSinceSnapshot entries applied since the last snapshot; one is due at {@code snapshotEveryLogBytes}
     */
    public record Budgets(long stateBytes, long quotaBytes, long quotaRefusals, long logBytes, long maxLogBytes,
                          long logBytesSinceSnapshot, long snapshotEveryLogBytes) {
    }

    /**
     * A leader's follower: {@code matchIndex} and {@code nextIndex} (Figure 2), {@code state} PROBE, REPLICATE or
     * SNAPSHOT, and the snapshot on its way ({@code snapshotIndex} 0 and the byte counts 0 when none): bytes in all,
     * read and sent, acknowledged (staged by the follower), and for how long it has been going.
     */
    public record FollowerStatus(int id, long matchIndex, long nextIndex, String state, long snapshotIndex,
                                 long snapshotBytes, long snapshotSentBytes, long snapshotAcknowledgedBytes,
                                 long snapshotElapsedMillis) {
    }

    /** A follower's snapshot being received from {@code leaderId}: bytes in all and written so far. */
    public record ReceivingStatus(int leaderId, long index, long term, long bytes, long receivedBytes, long elapsedMillis) {
    }

    /**
     * The write path's switches ({@code kvnode run --tick-ms}, {@code --tick-timer}, {@code --append-acks},
     * {@code --wal-commit}) and its
     * counters since the node started, to be divided by the writes between two readings: {@code peerMessagesSent}
     * messages handed to the peer connections, {@code peerSocketFlushes} and {@code clientSocketFlushes} flushes that
     * reached a socket (each a write system call or more, after the turn's flushes were merged), {@code
     * walCompletionTasks} tasks the WAL's completions posted to the event loop, {@code crossThreadWakeups} drains of the
     * event loop's inbox scheduled from another thread (each may wake it), {@code walLoopCommits} group commits the
     * event loop made itself.
     */
    public record WritePath(int tickMillis, String tickTimer, String appendAcks, String walCommit, long peerMessagesSent,
                            long peerSocketFlushes, long clientSocketFlushes, long walCompletionTasks,
                            long crossThreadWakeups, long walLoopCommits) {
    }

    static StatusSnapshot of(NodeConfig config, ReplicaDriver driver, int peersConnected, WalStats walStats,
                             long startedWallMillis, InboundStats clientInbound, InboundStats peerInbound,
                             WritePath writePath) {
        RaftCore core = driver.core();
        KvStateMachine stateMachine = driver.stateMachine();
        boolean storageFailed = driver.storageHasFailed();
        String storageFailure = driver.storageFailure();
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
                System.nanoTime(), startedWallMillis, clientInbound, peerInbound, MemoryUse.now(),
                new Budgets(stateMachine.sizeBytes(), config.byteBudgets().quotaBytes(), stateMachine.quotaRefusals(),
                        core.logBytes(), config.byteBudgets().maxLogBytes(), driver.appliedLogBytes(),
                        config.byteBudgets().snapshotEveryLogBytes()),
                followers(driver), receiving(driver), writePath);
    }

    private static List<FollowerStatus> followers(ReplicaDriver driver) {
        long now = System.nanoTime();
        List<FollowerStatus> out = new ArrayList<>();
        for (FollowerProgress progress : driver.core().followerProgress()) {
            SnapshotSender.Progress transfer = driver.snapshotTransfers().stream()
                    .filter(t -> t.followerId() == progress.followerId()).findFirst().orElse(null);
            out.add(transfer == null
                    ? new FollowerStatus(progress.followerId(), progress.matchIndex(), progress.nextIndex(), progress.state(),
                            progress.snapshotIndex(), 0, 0, 0, 0)
                    : new FollowerStatus(progress.followerId(), progress.matchIndex(), progress.nextIndex(), progress.state(),
                            transfer.snapshot().lastIndex(), transfer.totalBytes(), transfer.sentBytes(),
                            transfer.acknowledgedBytes(), (now - transfer.startedNanos()) / 1_000_000));
        }
        return out;
    }

    private static ReceivingStatus receiving(ReplicaDriver driver) {
        SnapshotReceiver.Progress receiving = driver.snapshotReceiving();
        if (receiving == null) return null;
        return new ReceivingStatus(receiving.leaderId(), receiving.snapshot().lastIndex(), receiving.snapshot().lastTerm(),
                receiving.totalBytes(), receiving.receivedBytes(), (System.nanoTime() - receiving.startedNanos()) / 1_000_000);
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
