package io.kvbench.chaos.cluster;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EtcdMemberStatusTest {
    private static final String A = "8813575065840868852";
    private static final String B = "10501334649042878790";
    private static final String C = "18249187646912138824";

    private static EtcdMemberStatus status(String member, String leader, long term) {
        return new EtcdMemberStatus("5577419299952351277", member, leader, term, "{}");
    }

    @Test
    void readsEtcdsStatusAnswerWithItsUint64sAsStrings() {
        // as etcd 3.4.23 answers POST /v3/maintenance/status
        String body = "{\"header\":{\"cluster_id\":\"5577419299952351277\",\"member_id\":\"" + A + "\",\"revision\":\"1\","
                + "\"raft_term\":\"2\"},\"version\":\"3.4.23\",\"dbSize\":\"20480\",\"leader\":\"" + A + "\",\"raftIndex\":\"4\","
                + "\"raftTerm\":\"2\",\"raftAppliedIndex\":\"4\",\"dbSizeInUse\":\"16384\"}";
        EtcdMemberStatus status = EtcdStatusProbe.parse(body).orElseThrow();
        assertThat(status.clusterId()).isEqualTo("5577419299952351277");
        assertThat(status.memberId()).isEqualTo(A);
        assertThat(status.term()).isEqualTo(2);
        assertThat(status.isLeader()).isTrue();
        assertThat(EtcdStatusProbe.parse("{\"header\":{}}")).isEmpty();
        assertThat(EtcdStatusProbe.parse("not json")).isEmpty();
        // a member that knows no leader says "0" (or leaves the field out)
        assertThat(status(B, "0", 3).isLeader()).isFalse();
        assertThat(status(B, "", 3).isLeader()).isFalse();
    }

    @Test
    void aLeaderConfirmedByAMajorityIsTheLeaderUnderItsNodeId() {
        Map<Integer, EtcdMemberStatus> statuses = new LinkedHashMap<>();
        statuses.put(2, status(B, B, 5));
        statuses.put(3, status(C, B, 5));
        assertThat(EtcdMemberStatus.leaderOf(statuses, 3)).contains(new LeaderInfo(2, 5));
        assertThat(EtcdMemberStatus.describe(statuses)).isEqualTo("n2=leader@5, n3=follower@5");
    }

    @Test
    void aStaleLeaderAtAnOldTermOrAloneIsNotTheLeader() {
        Map<Integer, EtcdMemberStatus> statuses = new LinkedHashMap<>();
        statuses.put(1, status(A, A, 3));
        statuses.put(2, status(B, "0", 4));
        statuses.put(3, status(C, "0", 4));
        assertThat(EtcdMemberStatus.leaderOf(statuses, 3)).isEmpty();
        statuses.put(2, status(B, C, 4));
        statuses.put(3, status(C, C, 4));
        assertThat(EtcdMemberStatus.leaderOf(statuses, 3)).contains(new LeaderInfo(3, 4));
        assertThat(EtcdMemberStatus.leaderOf(Map.of(1, status(A, A, 3)), 3)).isEmpty();
        assertThat(EtcdMemberStatus.describe(Map.of())).isEqualTo("none answered");
    }
}
