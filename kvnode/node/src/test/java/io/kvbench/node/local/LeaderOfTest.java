package io.kvbench.node.local;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderOfTest {
    private static NodeStatus status(int id, String role, long term, int leader) {
        return new NodeStatus(id, role, term, leader, 0, 0, 0, 0, false, -1, -1, "{}");
    }

    @Test
    void aLeaderConfirmedByAMajorityIsTheLeader() {
        Map<Integer, NodeStatus> statuses = new LinkedHashMap<>();
        statuses.put(1, status(1, "LEADER", 3, 1));
        statuses.put(2, status(2, "FOLLOWER", 3, 1));
        assertThat(NodeStatus.leaderOf(statuses, 3)).map(leader -> leader.nodeId() + "@" + leader.term()).contains("1@3");
    }

    @Test
    void aStaleLeaderAtAnOldTermIsNotTheLeader() {
        Map<Integer, NodeStatus> statuses = new LinkedHashMap<>();
        statuses.put(1, status(1, "LEADER", 3, 1));
        statuses.put(2, status(2, "FOLLOWER", 4, 0));
        statuses.put(3, status(3, "CANDIDATE", 4, 0));
        assertThat(NodeStatus.leaderOf(statuses, 3)).isEmpty();
        statuses.put(2, status(2, "FOLLOWER", 4, 3));
        statuses.put(3, status(3, "LEADER", 4, 3));
        assertThat(NodeStatus.leaderOf(statuses, 3)).map(leader -> leader.nodeId() + "@" + leader.term()).contains("3@4");
    }

    @Test
    void aLeaderAloneIsNotConfirmed() {
        assertThat(NodeStatus.leaderOf(Map.of(1, status(1, "LEADER", 2, 1)), 3)).isEmpty();
    }
}
