package io.kvbench.chaos.cluster;

import io.kvbench.bench.etcd.EtcdCluster;
import io.kvbench.bench.etcd.EtcdClusterSpec;
import io.kvbench.bench.proc.Signals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * bench's {@link EtcdCluster} as a {@link Cluster}: member index i is node id i + 1. etcd writes no event log,
 * so campaigns time its elections by polling status ({@code /v3/maintenance/status}) instead; its term is not
 * exposed by EtcdCluster and is reported as unknown.
 */
public final class EtcdClusterAdapter implements Cluster {
    private final EtcdCluster cluster;
    private final EtcdClusterSpec spec;
    private final boolean[] paused;

    public EtcdClusterAdapter(EtcdCluster cluster, EtcdClusterSpec spec) {
        this.cluster = cluster;
        this.spec = spec;
        this.paused = new boolean[cluster.memberCount()];
    }

    /** Starts a local etcd cluster (see {@link EtcdCluster#start}) and adapts it. */
    public static EtcdClusterAdapter start(EtcdClusterSpec spec, Path runDirectory) throws IOException {
        return new EtcdClusterAdapter(EtcdCluster.start(spec, runDirectory), spec);
    }

    public EtcdCluster etcd() {
        return cluster;
    }

    @Override
    public String targetName() {
        return "etcd";
    }

    @Override
    public List<Integer> nodeIds() {
        return IntStream.rangeClosed(1, cluster.memberCount()).boxed().toList();
    }

    /** etcd randomizes its election timeout over [timeout, 2 x timeout). */
    @Override
    public ClusterTiming timing() {
        return new ClusterTiming(spec.electionTimeoutMillis(), 2 * spec.electionTimeoutMillis(), spec.heartbeatIntervalMillis());
    }

    @Override
    public InetSocketAddress clientAddress(int nodeId) {
        URI url = cluster.clientUrl(member(nodeId));
        return new InetSocketAddress(url.getHost(), url.getPort());
    }

    @Override
    public URI clientUrl(int nodeId) {
        return cluster.clientUrl(member(nodeId));
    }

    @Override
    public boolean isRunning(int nodeId) {
        return cluster.isAlive(member(nodeId));
    }

    @Override
    public synchronized boolean isPaused(int nodeId) {
        return paused[member(nodeId)];
    }

    @Override
    public Optional<LeaderInfo> findLeader() {
        OptionalInt leader = cluster.findLeader();
        // A paused member cannot answer; any answer comes from a running one.
        return leader.isPresent() ? Optional.of(new LeaderInfo(leader.getAsInt() + 1, LeaderInfo.UNKNOWN_TERM)) : Optional.empty();
    }

    @Override
    public LeaderInfo awaitLeader(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<LeaderInfo> leader = findLeader();
            if (leader.isPresent() && !isPaused(leader.get().nodeId())) return leader.get();
            if (System.nanoTime() - deadline > 0) throw new IOException("no etcd leader after " + timeout);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public void kill(int nodeId) throws IOException {
        cluster.kill(member(nodeId));
        setPaused(nodeId, false);
    }

    @Override
    public OptionalLong signalSentNanos(int nodeId) {
        return cluster.signalSentNanos(member(nodeId));
    }

    @Override
    public void pause(int nodeId) throws IOException {
        cluster.pause(member(nodeId));
        setPaused(nodeId, true);
    }

    @Override
    public void resume(int nodeId) throws IOException {
        cluster.resume(member(nodeId));
        setPaused(nodeId, false);
    }

    /** SIGTERM by pid (etcd hands leadership over on SIGTERM too), SIGKILL if it outlives the timeout. */
    @Override
    public void terminate(int nodeId, Duration timeout) throws IOException {
        if (isPaused(nodeId)) resume(nodeId);
        long pid = cluster.pid(member(nodeId));
        Signals.send("TERM", pid);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cluster.isAlive(member(nodeId))) {
            if (System.nanoTime() - deadline > 0) {
                cluster.kill(member(nodeId));
                throw new IOException("etcd member " + nodeId + " did not exit within " + timeout + " after SIGTERM");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Override
    public void restart(int nodeId) throws IOException {
        cluster.restart(member(nodeId));
        setPaused(nodeId, false);
        cluster.awaitHealthy(Duration.ofSeconds(30));
    }

    @Override
    public Path runDirectory() {
        return cluster.runDirectory();
    }

    @Override
    public void close() {
        cluster.close();
    }

    private synchronized void setPaused(int nodeId, boolean value) {
        paused[member(nodeId)] = value;
    }

    private int member(int nodeId) {
        if (nodeId < 1 || nodeId > cluster.memberCount()) {
            throw new IllegalArgumentException("no etcd member " + nodeId + " (ids 1.." + cluster.memberCount() + ")");
        }
        return nodeId - 1;
    }
}
