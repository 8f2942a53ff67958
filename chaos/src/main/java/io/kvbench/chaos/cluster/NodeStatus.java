package io.kvbench.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The part of a kvnode's status (its StatusSnapshot JSON) the chaos suite uses. {@code auditedWrites} and
 * {@code auditRepeatApplications} are -1 unless the node runs with {@code --audit-writes}.
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
}
