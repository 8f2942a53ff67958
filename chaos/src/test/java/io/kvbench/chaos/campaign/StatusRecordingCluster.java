package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.ClusterTiming;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.cluster.PeerLink;
import io.kvbench.node.local.NodeStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A cluster that forwards everything and records when the campaign asked the nodes for their status (directly
 * or to find the leader), to check that the measuring leaves the nodes alone while they elect.
 */
final class StatusRecordingCluster implements Cluster {
    /** One status or leader lookup: {@link System#nanoTime()} when the call began and when it returned. */
    record Call(long startNanos, long endNanos) {
        /** Whether the call was under way at any time in [fromNanos, toNanos). */
        boolean overlaps(long fromNanos, long toNanos) {
            return startNanos - toNanos < 0 && endNanos - fromNanos > 0;
        }
    }

    private final Cluster cluster;
    private final ConcurrentLinkedQueue<Call> statusCalls = new ConcurrentLinkedQueue<>();

    StatusRecordingCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Every status or leader lookup the campaign made through this cluster. */
    List<Call> statusCalls() {
        return List.copyOf(statusCalls);
    }

    private <T> T recorded(Supplier<T> call) {
        long startNanos = System.nanoTime();
        try {
            return call.get();
        } finally {
            statusCalls.add(new Call(startNanos, System.nanoTime()));
        }
    }

    @Override public Optional<LeaderInfo> findLeader() {
        return recorded(cluster::findLeader);
    }

    @Override public Optional<NodeStatus> status(int nodeId) {
        return recorded(() -> cluster.status(nodeId));
    }

    @Override public LeaderInfo awaitLeader(Duration timeout) throws IOException {
        long startNanos = System.nanoTime();
        try {
            return cluster.awaitLeader(timeout);
        } finally {
            statusCalls.add(new Call(startNanos, System.nanoTime()));
        }
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
    @Override public void isolate(int nodeId) throws IOException { cluster.isolate(nodeId); }
    @Override public void rejoin(int nodeId) throws IOException { cluster.rejoin(nodeId); }
    @Override public void cutLink(int from, int to) throws IOException { cluster.cutLink(from, to); }
    @Override public void cutLinks(Collection<PeerLink> links) throws IOException { cluster.cutLinks(links); }
    @Override public void healLink(int from, int to) throws IOException { cluster.healLink(from, to); }
    @Override public void healLinks(Collection<PeerLink> links) throws IOException { cluster.healLinks(links); }
    @Override public void healLinks() throws IOException { cluster.healLinks(); }
    @Override public Optional<Path> eventLog(int nodeId) { return cluster.eventLog(nodeId); }
    @Override public Path runDirectory() { return cluster.runDirectory(); }
    @Override public void close() { cluster.close(); }
}
