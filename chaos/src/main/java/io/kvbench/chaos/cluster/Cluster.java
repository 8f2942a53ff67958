package io.kvbench.chaos.cluster;

import io.kvbench.node.local.NodeStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A running cluster the chaos suite can fault: kvnode processes ({@link LocalKvCluster}), etcd members
 * ({@link EtcdClusterAdapter}), or a running cluster driven through shell commands
 * ({@link io.kvbench.chaos.cluster.described.DescribedCluster}). Nodes are named by ids 1..N. Every fault acts on one node's process; {@link #close()} stops everything the cluster started.
 */
public interface Cluster extends AutoCloseable {

    /** System under test for reports: {@code kvnode} or {@code etcd}. */
    String targetName();

    /** Node ids, 1..N. */
    List<Integer> nodeIds();

    default int size() {
        return nodeIds().size();
    }

    /** Election and heartbeat settings the cluster was started with (for elections.csv and run.json). */
    ClusterTiming timing();

    /** Each node's client address (kvnode client port, etcd client URL's host:port), by id. */
    InetSocketAddress clientAddress(int nodeId);

    /** The client address as an http URL: for etcd its client URL, where the JSON gateway the campaign uses answers. */
    default URI clientUrl(int nodeId) {
        InetSocketAddress address = clientAddress(nodeId);
        String host = address.getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    /** True while the node's process runs (paused counts as running). */
    boolean isRunning(int nodeId);

    boolean isPaused(int nodeId);

    /**
     * The leader as the nodes report it right now: a node saying LEADER whose term and leadership a majority
     * of the responding nodes confirm; empty if there is none. Paused and stopped nodes are not asked.
     */
    Optional<LeaderInfo> findLeader();

    /** Polls {@link #findLeader()} until a leader appears; throws IOException after the timeout. */
    LeaderInfo awaitLeader(Duration timeout) throws IOException;

    /** The node's kvnode status, when the target has one and the node answers; empty otherwise (etcd). */
    default Optional<NodeStatus> status(int nodeId) {
        return Optional.empty();
    }

    /**
     * True when a signal lands as soon as {@link #kill}, {@link #pause} or {@link #terminate} is called (the
     * harness signals the process itself; the call may then wait, e.g. for the killed process to exit).
     * False when a command runs first (ssh), so the fault lands at an unknown point before the call returns.
     * Partitions never land at the call (see {@code Nemesis.landsWhenCalled}).
     */
    default boolean faultsLandWhenCalled() {
        return true;
    }

    /**
     * When the last SIGKILL or SIGSTOP the harness sent the node itself left: {@link System#nanoTime()} just after
     * the kill(2) call returned; empty where a command sends it (ssh). This is where such a fault lands: the call
     * may do other work first, and on a busy machine its thread can be descheduled for milliseconds before it
     * signals, while the old leader still acknowledges writes.
     */
    default OptionalLong signalSentNanos(int nodeId) {
        return OptionalLong.empty();
    }

    /** SIGKILL. */
    void kill(int nodeId) throws IOException;

    /** SIGSTOP. */
    void pause(int nodeId) throws IOException;

    /** SIGCONT. */
    void resume(int nodeId) throws IOException;

    /** SIGTERM and wait for the exit (graceful: a kvnode leader transfers leadership first). */
    void terminate(int nodeId, Duration timeout) throws IOException;

    /** Starts a stopped node again on its ports and data directory (kills it first if it still runs). */
    void restart(int nodeId) throws IOException;

    /**
     * Silently cuts every peer link to and from the node: it keeps running and sees no error, its messages and
     * its peers' just vanish. Where the cluster can also cut single links, this is exactly
     * {@code cutLinks(PeerLink.allOf(nodeId, nodeIds()))}. Unsupported unless the cluster was started with cuttable
     * links.
     */
    default void isolate(int nodeId) throws IOException {
        throw new UnsupportedOperationException("cannot partition " + targetName() + " node " + nodeId
                + ": this cluster cannot cut peer links (a local kvnode cluster on network proxy, netns or auto can)");
    }

    /** Heals every peer link to and from the node, whether {@link #isolate} or {@link #cutLinks} cut it. */
    default void rejoin(int nodeId) throws IOException {
        throw new UnsupportedOperationException("cannot heal a partition of " + targetName() + " node " + nodeId
                + ": this cluster cannot cut peer links");
    }

    /**
     * One-way silent partition: what node {@code from} sends node {@code to} is dropped (its messages and, on a
     * packet network, its acknowledgements), while {@code to}'s messages still reach {@code from}. Neither node
     * sees an error. Unsupported unless the cluster was started with cuttable links.
     */
    default void cutLink(int from, int to) throws IOException {
        cutLinks(List.of(new PeerLink(from, to)));
    }

    /**
     * Cuts the given directions together (at once, not one after another: a fault is timed from the call), e.g.
     * {@link PeerLink#bothWays} for a link, {@link PeerLink#into} for a node that stops hearing its peers.
     * Directions already cut stay cut.
     */
    default void cutLinks(Collection<PeerLink> links) throws IOException {
        throw new UnsupportedOperationException("cannot cut " + links + " of " + targetName()
                + ": this cluster cannot cut single peer links (a local kvnode cluster on network proxy, netns or auto can)");
    }

    /** Heals one direction cut by {@link #cutLink} (or {@link #isolate}); nothing if it is not cut. */
    default void healLink(int from, int to) throws IOException {
        healLinks(List.of(new PeerLink(from, to)));
    }

    /** Heals the given directions; those not cut are ignored. */
    default void healLinks(Collection<PeerLink> links) throws IOException {
        throw new UnsupportedOperationException("cannot heal " + links + " of " + targetName()
                + ": this cluster cannot cut single peer links");
    }

    /** Heals every cut direction, whichever call cut it. */
    default void healLinks() throws IOException {
        throw new UnsupportedOperationException("cannot heal the peer links of " + targetName()
                + ": this cluster cannot cut single peer links");
    }

    /** The node's role-change event log, if the target writes one (kvnode does, etcd does not). */
    default Optional<Path> eventLog(int nodeId) {
        return Optional.empty();
    }

    /** Where the cluster keeps its logs and data. */
    Path runDirectory();

    /** Stops every process this cluster started. Never throws. */
    @Override
    void close();
}
