package io.kvbench.chaos.cluster.described;

import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.node.local.NodeStatus;
import io.kvbench.node.local.StatusProbe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Asks a described cluster's kvnodes for their status over the client protocol ({@link StatusProbe}). */
final class KvnodeNodeProbe implements NodeProbe {
    private final ClusterFile file;
    private final Map<Integer, InetSocketAddress> clientAddresses = new LinkedHashMap<>();
    private final StatusProbe probe;

    KvnodeNodeProbe(ClusterFile file, Duration timeout) {
        this.file = file;
        file.nodes().forEach(node -> clientAddresses.put(node.id(), node.client().toSocketAddress()));
        this.probe = new StatusProbe("described-cluster-status", timeout);
    }

    /** A kvnode reports its own Raft id: it must be the id the file gives for that address. */
    @Override
    public boolean answers(int nodeId) throws IOException {
        Optional<NodeStatus> status = kvnodeStatus(nodeId);
        if (status.isEmpty()) return false;
        if (status.get().nodeId() != nodeId) {
            throw new IOException(file.source() + ": node " + nodeId + " at " + file.node(nodeId).orElseThrow().client()
                    + " says it is node " + status.get().nodeId());
        }
        return true;
    }

    @Override
    public Optional<LeaderInfo> findLeader(Collection<Integer> askable) {
        return NodeStatus.leaderOf(statuses(askable), file.nodes().size()).map(leader -> new LeaderInfo(leader.nodeId(), leader.term()));
    }

    @Override
    public String describe(Collection<Integer> askable) {
        return NodeStatus.describe(statuses(askable).values());
    }

    @Override
    public Optional<NodeStatus> kvnodeStatus(int nodeId) {
        return probe.status(nodeId, clientAddresses.get(nodeId));
    }

    @Override
    public void forget(int nodeId) {
        probe.forget(nodeId);
    }

    private Map<Integer, NodeStatus> statuses(Collection<Integer> askable) {
        Map<Integer, NodeStatus> statuses = new LinkedHashMap<>();
        for (int id : askable) kvnodeStatus(id).ifPresent(status -> statuses.put(id, status));
        return statuses;
    }

    @Override
    public void close() {
        probe.close();
    }
}
