package io.kvbench.chaos.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * What one etcd member says in {@code POST /v3/maintenance/status}: its member id, the leader it knows and its
 * Raft term. etcd's ids are uint64s that the JSON gateway sends as strings, so they stay text here.
 *
 * @param clusterId      {@code header.cluster_id}: the cluster the member belongs to
 * @param memberId       {@code header.member_id}
 * @param leaderMemberId {@code leader}: the member it follows or is, "0" or empty when it knows none
 * @param term           {@code header.raft_term}: the member's current term
 * @param json           the whole answer, for error messages
 */
public record EtcdMemberStatus(String clusterId, String memberId, String leaderMemberId, long term, String json) {

    public boolean isLeader() {
        return !leaderMemberId.isEmpty() && !leaderMemberId.equals("0") && leaderMemberId.equals(memberId);
    }

    /**
     * The same rule as {@link io.kvbench.node.local.NodeStatus#leaderOf} (a member saying it leads, at the highest term among the
     * responders, confirmed by a majority of the cluster reporting that term and that leader), so a paused leader
     * that still thinks it leads at an old term is never taken once the others moved on (Raft paper §5.1: a
     * higher term supersedes it). {@code statuses} are by node id; the leader's node id is the key of its own status.
     */
    public static Optional<LeaderInfo> leaderOf(Map<Integer, EtcdMemberStatus> statuses, int clusterSize) {
        Map.Entry<Integer, EtcdMemberStatus> best = null;
        for (Map.Entry<Integer, EtcdMemberStatus> entry : statuses.entrySet()) {
            if (entry.getValue().isLeader() && (best == null || entry.getValue().term() > best.getValue().term())) best = entry;
        }
        if (best == null) return Optional.empty();
        EtcdMemberStatus leader = best.getValue();
        long confirming = statuses.values().stream()
                .filter(status -> status.term() == leader.term() && status.leaderMemberId().equals(leader.memberId()))
                .count();
        return confirming > clusterSize / 2 ? Optional.of(new LeaderInfo(best.getKey(), leader.term())) : Optional.empty();
    }

    /** {@code n1=leader@3, n2=follower@3, ...}: what the members said, for a "no leader" error. */
    public static String describe(Map<Integer, EtcdMemberStatus> statuses) {
        StringBuilder text = new StringBuilder();
        statuses.forEach((id, status) -> text.append(text.isEmpty() ? "" : ", ").append("n").append(id).append("=")
                .append(status.isLeader() ? "leader" : status.leaderMemberId().isEmpty() || status.leaderMemberId().equals("0")
                        ? "no-leader" : "follower").append("@").append(status.term()));
        return text.isEmpty() ? "none answered" : text.toString();
    }
}
