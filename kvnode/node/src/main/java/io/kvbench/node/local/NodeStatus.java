package io.kvbench.node.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The part of a kvnode's status (its StatusSnapshot JSON, as the client protocol returns it) that the launcher and
 * the suite read. {@code auditedWrites} and {@code auditRepeatApplications} are -1 unless the node runs with
 * {@code --audit-writes}.
 */
public record NodeStatus(int nodeId, String role, long term, int leaderId, long commitIndex, long appliedIndex,
                         long lastIndex, int keys, boolean storageFailed, long auditedWrites,
                         long auditRepeatApplications, String json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static NodeStatus parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new NodeStatus(node.path("nodeId").asInt(), node.path("role").asText(), node.path("term").asLong(),
                    node.path("leaderId").asInt(), node.path("commitIndex").asLong(), node.path("appliedIndex").asLong(),
                    node.path("lastIndex").asLong(), node.path("keys").asInt(), node.path("storageFailed").asBoolean(),
                    node.path("auditedWrites").asLong(-1), node.path("auditRepeatApplications").asLong(-1), json);
        } catch (IOException e) {
            throw new UncheckedIOException("status is not JSON: " + json, e);
        }
    }

    public boolean audited() {
        return auditedWrites >= 0;
    }

    public boolean isLeader() {
        return "LEADER".equals(role);
    }

    /**
     * The leader among these statuses: a node reporting LEADER at the highest term among the responders, confirmed
     * by a majority of the cluster (itself included) reporting the same term and leader. A stale leader that was
     * paused and still says LEADER at an old term is therefore never returned once the others moved on.
     */
    public static Optional<NodeStatus> leaderOf(Map<Integer, NodeStatus> statuses, int clusterSize) {
        NodeStatus best = null;
        for (NodeStatus status : statuses.values()) {
            if (status.isLeader() && (best == null || status.term() > best.term())) best = status;
        }
        if (best == null) return Optional.empty();
        NodeStatus leader = best;
        long confirming = statuses.values().stream()
                .filter(status -> status.term() == leader.term() && status.leaderId() == leader.nodeId())
                .count();
        return confirming > clusterSize / 2 ? Optional.of(leader) : Optional.empty();
    }

    /** {@code n1=LEADER@3(leader 1), ...}: what the nodes said, for a "no leader" error. */
    public static String describe(Collection<NodeStatus> statuses) {
        return statuses.stream()
                .map(s -> "n" + s.nodeId() + "=" + s.role() + "@" + s.term() + "(leader " + s.leaderId() + ")")
                .collect(Collectors.joining(", "));
    }
}
