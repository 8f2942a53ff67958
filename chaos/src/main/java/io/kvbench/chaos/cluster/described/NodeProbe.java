package io.kvbench.chaos.cluster.described;

import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.node.local.NodeStatus;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * How a {@link DescribedCluster} asks its nodes who they are and who leads, one implementation per target:
 * kvnode's client protocol ({@link KvnodeNodeProbe}) or etcd's HTTP status API ({@link EtcdNodeProbe}). The
 * cluster asks only the nodes it believes running: a paused one would just make every call wait out the timeout.
 */
interface NodeProbe extends AutoCloseable {

    /** The probe for the file's target; a node slower than {@code timeout} counts as not answering. */
    static NodeProbe forFile(ClusterFile file, Duration timeout) {
        return switch (file.target()) {
            case ClusterFile.KVNODE -> new KvnodeNodeProbe(file, timeout);
            case ClusterFile.ETCD -> new EtcdNodeProbe(file, timeout);
            default -> throw new IllegalArgumentException(file.source() + ": unknown target " + file.target());
        };
    }

    /**
     * True if the node answers as the file's entry, false if it does not answer (yet). Throws IOException, naming
     * the node and its address, if something else answers there (another node, another cluster's member).
     */
    boolean answers(int nodeId) throws IOException;

    /** The leader as the {@code askable} nodes report it, confirmed by a majority of the whole cluster. */
    Optional<LeaderInfo> findLeader(Collection<Integer> askable);

    /** What each askable node says about roles and terms, for a "no leader" error. */
    String describe(Collection<Integer> askable);

    /** The node's kvnode status; always empty for a target that has none (etcd). */
    Optional<NodeStatus> kvnodeStatus(int nodeId);

    /** Drops the node's connection after a fault to it: it may be dead or stuck, and the next call should reconnect. */
    void forget(int nodeId);

    @Override
    void close();
}
