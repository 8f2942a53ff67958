package io.kvbench.chaos.cluster.described;

import io.kvbench.chaos.cluster.EtcdMemberStatus;
import io.kvbench.chaos.cluster.EtcdStatusProbe;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.node.local.NodeStatus;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Asks a described cluster's etcd members for their status ({@code /v3/maintenance/status}). etcd's member ids
 * are hashes, not the file's ids, so the probe learns each node's member id from its first answer and from then
 * on holds it to it: two entries that reach one member, a member of another cluster, or a different member on a
 * node's address after a restart are errors rather than a wrong leader.
 */
final class EtcdNodeProbe implements NodeProbe {
    private final ClusterFile file;
    private final EtcdStatusProbe probe;
    private final Map<Integer, URI> clientUrls = new LinkedHashMap<>();
    /** Each node's etcd member id, from its first answer. */
    private final Map<Integer, String> memberIds = new LinkedHashMap<>();
    /** The etcd cluster id every node must report, from the first answer; null before. */
    private String clusterId;

    EtcdNodeProbe(ClusterFile file, Duration timeout) {
        this.file = file;
        this.probe = new EtcdStatusProbe(timeout);
        file.nodes().forEach(node -> clientUrls.put(node.id(), node.clientUrl()));
    }

    @Override
    public boolean answers(int nodeId) throws IOException {
        Optional<EtcdMemberStatus> status = probe.status(clientUrls.get(nodeId));
        if (status.isEmpty()) return false;
        checkIdentity(nodeId, status.get());
        return true;
    }

    private synchronized void checkIdentity(int nodeId, EtcdMemberStatus status) throws IOException {
        String where = file.source() + ": node " + nodeId + " at " + file.node(nodeId).orElseThrow().client();
        String known = memberIds.get(nodeId);
        if (known != null && !known.equals(status.memberId())) {
            throw new IOException(where + " now answers as etcd member " + status.memberId() + ", not " + known
                    + " as before: another member on its address?");
        }
        if (clusterId != null && !clusterId.equals(status.clusterId())) {
            throw new IOException(where + " is a member of etcd cluster " + status.clusterId() + ", the nodes before it of "
                    + clusterId + ": every node in the file must belong to one cluster");
        }
        if (known == null) {
            for (Map.Entry<Integer, String> other : memberIds.entrySet()) {
                if (other.getValue().equals(status.memberId())) {
                    throw new IOException(where + " answers as etcd member " + status.memberId() + ", as node " + other.getKey()
                            + " at " + file.node(other.getKey()).orElseThrow().client() + " does: two entries reach one member");
                }
            }
            memberIds.put(nodeId, status.memberId());
        }
        clusterId = status.clusterId();
    }

    @Override
    public Optional<LeaderInfo> findLeader(Collection<Integer> askable) {
        return EtcdMemberStatus.leaderOf(statuses(askable), file.nodes().size());
    }

    @Override
    public String describe(Collection<Integer> askable) {
        return EtcdMemberStatus.describe(statuses(askable));
    }

    /** etcd has no kvnode status (and no write audit in it). */
    @Override
    public Optional<NodeStatus> kvnodeStatus(int nodeId) {
        return Optional.empty();
    }

    /** Nothing to drop: a request on a dead keep-alive connection fails, and the next one connects afresh. */
    @Override
    public void forget(int nodeId) {
    }

    private Map<Integer, EtcdMemberStatus> statuses(Collection<Integer> askable) {
        Map<Integer, EtcdMemberStatus> statuses = new LinkedHashMap<>();
        for (int id : askable) probe.status(clientUrls.get(id)).ifPresent(status -> statuses.put(id, status));
        return statuses;
    }

    @Override
    public void close() {
    }
}
