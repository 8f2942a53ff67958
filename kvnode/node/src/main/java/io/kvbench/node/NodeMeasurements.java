package io.kvbench.node;

import io.kvbench.driver.DriverObserver;
import io.kvbench.raft.Message;
import io.kvbench.raft.Role;
import io.kvbench.raft.RoleChange;

import java.util.function.LongConsumer;

/**
 * The node's in-node measurements, fed by the driver: the leader's write time and replication time
 * ({@link ReplicationTimer}) on the core thread, the WAL's commit time on the committing thread ({@link #walCommitObserver}),
 * all into {@link NodeLatencies}.
 */
final class NodeMeasurements implements DriverObserver {
    private final NodeLatencies latencies = new NodeLatencies();
    private final ReplicationTimer replicationTimer = new ReplicationTimer(latencies); // core thread only

    NodeLatencies latencies() {
        return latencies;
    }

    /** For the WAL's options: each commit's time, on the WAL thread or the core's (loop commits). */
    LongConsumer walCommitObserver() {
        return latencies::recordWalCommit;
    }

    @Override
    public void messageSent(Message message) {
        replicationTimer.onSent(message, System.nanoTime());
    }

    @Override
    public void messageReceived(Message message) {
        replicationTimer.onReceived(message, System.nanoTime());
    }

    @Override
    public void roleChanged(RoleChange change) {
        if (change.role() != Role.LEADER) replicationTimer.reset();
    }

    @Override
    public void writeAnswered(long arrivedNanos) {
        latencies.recordLeaderWrite(System.nanoTime() - arrivedNanos);
    }
}
