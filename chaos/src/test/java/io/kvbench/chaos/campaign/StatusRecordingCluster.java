package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.ClusterTiming;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.cluster.NodeStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A cluster that forwards everything and records when the campaign asked the nodes for their status (directly
 * or to find the leader), to check that the measuring leaves the nodes alone while they elect.
 */
final class StatusRecordingCluster implements Cluster {
    private final Cluster cluster;
    private final ConcurrentLinkedQueue<Long> statusCallNanos = new ConcurrentLinkedQueue<>();

    StatusRecordingCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    /** {@link System#nanoTime()} at every status or leader lookup the campaign made through this cluster. */
    List<Long> statusCallNanos() {
        return List.copyOf(statusCallNanos);
    }

    @Override public Optional<LeaderInfo> findLeader() {
        statusCallNanos.add(System.nanoTime());
        return cluster.findLeader();
    }

    @Override public Optional<NodeStatus> status(int nodeId) {
        statusCallNanos.add(System.nanoTime());
        return cluster.status(nodeId);
    }

    @Override public LeaderInfo awaitLeader(Duration timeout) throws IOException {
        statusCallNanos.add(System.nanoTime());
        return cluster.awaitLeader(timeout);
    }

    @Override public String targetName() { return cluster.targetName(); }
    @Override public List<Integer> nodeIds() { return cluster.nodeIds(); }
    @Override public ClusterTiming timing() { return cluster.timing(); }
    @Override public InetSocketAddress clientAddress(int nodeId) { return cluster.clientAddress(nodeId); }
    @Override public boolean isRunning(int nodeId) { return cluster.isRunning(nodeId); }
    @Override public boolean isPaused(int nodeId) { return cluster.isPaused(nodeId); }
    @Override public boolean faultsLandWhenCalled() { return cluster.faultsLandWhenCalled(); }
    @Override public OptionalLong signalSentNanos(int nodeId) { return cluster.signalSentNanos(nodeId); }
    @Override public void kill(int nodeId) throws IOException { cluster.kill(nodeId); }
    @Override public void pause(int nodeId) throws IOException { cluster.pause(nodeId); }
    @Override public void resume(int nodeId) throws IOException { cluster.resume(nodeId); }
    @Override public void terminate(int nodeId, Duration timeout) throws IOException { cluster.terminate(nodeId, timeout); }
    @Override public void restart(int nodeId) throws IOException { cluster.restart(nodeId); }
    @Override public Optional<Path> eventLog(int nodeId) { return cluster.eventLog(nodeId); }
    @Override public Path runDirectory() { return cluster.runDirectory(); }
    @Override public void close() { cluster.close(); }
}
