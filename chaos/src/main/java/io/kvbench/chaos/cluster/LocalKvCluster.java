package io.kvbench.chaos.cluster;

import io.kvbench.bench.proc.Signals;
import io.kvbench.chaos.netns.BridgeNetwork;
import io.kvbench.chaos.proxy.ProxyMesh;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The chaos suite's {@link Cluster} on a local kvnode cluster: the nodes start through the one launcher
 * ({@link LocalCluster}: child processes, its folders {@code n<id>/data}, {@code n<id>/events.jsonl},
 * {@code n<id>/node.log}, its readiness rule) on the {@link NetworkMode} asked for: free ports on 127.0.0.1
 * (LOOPBACK), the same with peer links through proxies (PROXY), or each node in its own network namespace on a
 * bridge (NETNS; started as {@code ip netns exec <namespace> java ...}, which execs, so the tracked pid is the
 * JVM's). What this class adds is chaos: the faults (kill, pause, terminate, restart by the node's pid; partitions
 * through the network) and when each signal left. {@link #close()} stops the nodes, then removes the proxies or
 * namespaces; a JVM shutdown hook does the same if the caller never gets to close it, and a failed start undoes
 * what it did before throwing.
 */
public final class LocalKvCluster implements Cluster {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final LocalCluster nodes;
    private final LocalNetwork network;
    private final Set<Integer> paused = ConcurrentHashMap.newKeySet();
    // System.nanoTime() just after the last SIGKILL or SIGSTOP left, by node
    private final Map<Integer, Long> signalSentNanos = new ConcurrentHashMap<>();
    private final Thread shutdownHook = new Thread(this::stopNodesAndRemoveNetwork, "local-kv-cluster-shutdown");
    private volatile boolean closed;

    private LocalKvCluster(LocalCluster nodes, LocalNetwork network) {
        this.nodes = nodes;
        this.network = network;
    }

    /** On free loopback ports; see {@link #start(LocalClusterSpec, NetworkMode, Path)}. */
    public static LocalKvCluster start(LocalClusterSpec spec, Path runDirectory) throws IOException {
        return start(spec, NetworkMode.LOOPBACK, runDirectory);
    }

    /**
     * Sets up the network, starts every node (child processes, with the spec's JVM options) and waits until each
     * serves. Does not wait for a leader: see {@link #awaitLeader(Duration)}.
     *
     * @param network LOOPBACK, PROXY or NETNS (peer links can be cut: partitions), or AUTO (NETNS where available,
     *                else PROXY)
     */
    public static LocalKvCluster start(LocalClusterSpec spec, NetworkMode network, Path runDirectory) throws IOException {
        if (spec.backend() != LocalClusterSpec.Backend.PROCESSES) {
            throw new IllegalArgumentException("faults act on processes: the chaos suite's nodes run as child processes");
        }
        LocalNetwork addresses = LocalNetwork.open(network, spec.nodeCount());
        LocalCluster nodes;
        try {
            nodes = LocalCluster.start(spec, runDirectory, addresses);
        } catch (IOException | RuntimeException e) {
            addresses.close();
            throw e;
        }
        LocalKvCluster cluster = new LocalKvCluster(nodes, addresses);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        return cluster;
    }

    /** The network in effect: the one asked for, with AUTO resolved to NETNS or PROXY. */
    public NetworkMode network() {
        return network.mode();
    }

    /** The peer proxies, on {@link NetworkMode#PROXY}. */
    public Optional<ProxyMesh> proxyMesh() {
        return network.proxyMesh();
    }

    /** The namespaces and bridge, on {@link NetworkMode#NETNS}. */
    public Optional<BridgeNetwork> bridgeNetwork() {
        return network.bridge();
    }

    /**
     * Silently cuts every peer link to and from the node. The cut is between nodes only: the node keeps running
     * and the harness still reaches its client port, so status polls and clients pointed at it keep working, as
     * for clients that see both sides of a partition between the servers. PROXY cuts the node's proxies, NETNS
     * drops the packets in the bridge.
     *
     * @throws UnsupportedOperationException on LOOPBACK
     */
    @Override
    public void isolate(int nodeId) throws IOException {
        requireNode(nodeId);
        network.isolate(nodeId);
    }

    /** Heals every peer link to and from the node. */
    @Override
    public void rejoin(int nodeId) throws IOException {
        requireNode(nodeId);
        network.rejoin(nodeId);
    }

    /**
     * Silently cuts the given directions together, between nodes only, as {@link #isolate} does: PROXY
     * black-holes one way of the proxied connections, NETNS drops the sender's packets at the receiver's bridge
     * port.
     *
     * @throws UnsupportedOperationException on LOOPBACK
     */
    @Override
    public void cutLinks(Collection<PeerLink> links) throws IOException {
        requireNodes(links);
        network.cut(links);
    }

    @Override
    public void healLinks(Collection<PeerLink> links) throws IOException {
        requireNodes(links);
        network.heal(links);
    }

    @Override
    public void healLinks() throws IOException {
        network.healAll();
    }

    private void requireNodes(Collection<PeerLink> links) {
        for (PeerLink link : links) {
            requireNode(link.from());
            requireNode(link.to());
        }
    }

    private void requireNode(int nodeId) {
        nodes.isRunning(nodeId); // throws for an unknown id
    }

    @Override
    public String targetName() {
        return "kvnode";
    }

    public LocalClusterSpec spec() {
        return nodes.spec();
    }

    @Override
    public List<Integer> nodeIds() {
        return nodes.nodeIds();
    }

    @Override
    public ClusterTiming timing() {
        LocalClusterSpec spec = nodes.spec();
        return new ClusterTiming(spec.electionTimeoutMinMillis(), spec.electionTimeoutMaxMillis(), spec.heartbeatMillis());
    }

    @Override
    public InetSocketAddress clientAddress(int nodeId) {
        return nodes.clientAddress(nodeId);
    }

    /** The node's own peer (raft) listen address; with proxies, the real one behind them. */
    public InetSocketAddress peerAddress(int nodeId) {
        return nodes.peerAddress(nodeId);
    }

    /** Every node's client address, by id. */
    public Map<Integer, InetSocketAddress> clientAddresses() {
        return nodes.clientAddresses();
    }

    @Override
    public Path runDirectory() {
        return nodes.directory();
    }

    @Override
    public Optional<Path> eventLog(int nodeId) {
        return Optional.of(nodes.eventLog(nodeId));
    }

    public Path logFile(int nodeId) {
        return nodes.logFile(nodeId);
    }

    public Path dataDirectory(int nodeId) {
        return nodes.dataDirectory(nodeId);
    }

    /** "running", or "exit code N" once the node's process ended. */
    public String exitDescription(int nodeId) {
        return nodes.exitDescription(nodeId);
    }

    public long pid(int nodeId) {
        return nodes.pid(nodeId);
    }

    @Override
    public boolean isRunning(int nodeId) {
        return nodes.isRunning(nodeId);
    }

    @Override
    public boolean isPaused(int nodeId) {
        requireNode(nodeId);
        return paused.contains(nodeId);
    }

    /** The node's status, or empty if it is paused, stopped or does not answer within 500 ms (starting). */
    @Override
    public Optional<NodeStatus> status(int nodeId) {
        if (isPaused(nodeId)) return Optional.empty();
        return nodes.status(nodeId);
    }

    /** Statuses of every node that answers, by id; paused nodes are not asked. */
    public Map<Integer, NodeStatus> statuses() {
        return nodes.statuses(this::askable);
    }

    @Override
    public Optional<LeaderInfo> findLeader() {
        return nodes.findLeader(this::askable).map(LocalKvCluster::leaderInfo);
    }

    @Override
    public LeaderInfo awaitLeader(Duration timeout) throws IOException {
        return leaderInfo(nodes.awaitLeader(timeout, this::askable));
    }

    private boolean askable(int nodeId) {
        return !paused.contains(nodeId);
    }

    private static LeaderInfo leaderInfo(NodeStatus leader) {
        return new LeaderInfo(leader.nodeId(), leader.term());
    }

    /** Waits until the node's applied index reaches {@code index}; throws IOException after the timeout. */
    public NodeStatus awaitApplied(int nodeId, long index, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<NodeStatus> status = status(nodeId);
            if (status.isPresent() && status.get().appliedIndex() >= index) return status.get();
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("n" + nodeId + " did not apply index " + index + " within " + timeout + "; last status "
                        + status.map(NodeStatus::json).orElse("(none)") + "; see " + logFile(nodeId));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    @Override
    public void kill(int nodeId) throws IOException {
        nodes.kill(nodeId).ifPresent(sent -> signalSentNanos.put(nodeId, sent));
        paused.remove(nodeId);
    }

    @Override
    public void pause(int nodeId) throws IOException {
        requireRunning(nodeId);
        nodes.dropStatusConnection(nodeId);
        signalSentNanos.put(nodeId, Signals.stop(nodes.pid(nodeId)));
        paused.add(nodeId);
    }

    @Override
    public OptionalLong signalSentNanos(int nodeId) {
        requireNode(nodeId);
        Long sent = signalSentNanos.get(nodeId);
        return sent == null ? OptionalLong.empty() : OptionalLong.of(sent);
    }

    @Override
    public void resume(int nodeId) throws IOException {
        requireRunning(nodeId);
        Signals.send("CONT", nodes.pid(nodeId));
        paused.remove(nodeId);
    }

    @Override
    public void terminate(int nodeId, Duration timeout) throws IOException {
        requireRunning(nodeId);
        if (paused.contains(nodeId)) resume(nodeId);
        nodes.terminate(nodeId, timeout);
    }

    @Override
    public void restart(int nodeId) throws IOException {
        kill(nodeId);
        nodes.start(nodeId);
    }

    /** Starts every stopped node again (after a whole-cluster stop) and waits until each serves. */
    public void restartStopped() throws IOException {
        nodes.startStopped();
    }

    private void requireRunning(int nodeId) {
        if (!nodes.isRunning(nodeId)) throw new IllegalStateException("n" + nodeId + " is not running");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stopNodesAndRemoveNetwork();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran; stopping twice is harmless
        }
    }

    /** The nodes first (SIGKILL works on a paused process too): a namespace whose processes still run would outlive its deletion. */
    private void stopNodesAndRemoveNetwork() {
        nodes.close();
        network.close();
    }

    @Override
    public String toString() {
        return "LocalKvCluster" + clientAddresses() + " on " + network.mode().label() + " in " + runDirectory();
    }
}
