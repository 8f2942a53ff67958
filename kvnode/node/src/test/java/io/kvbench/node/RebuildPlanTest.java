package io.kvbench.node;

import io.kvbench.raft.HardState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RebuildPlanTest {
    private static RebuildPlan.MemberStatus member(int id, long term, long lastIndex) {
        return new RebuildPlan.MemberStatus(id, "c", term, lastIndex);
    }

    @Test
    void theFloorIsTheHighestTermWithAVoteForItselfAndTheFenceTheHighestLastIndex() {
        RebuildPlan plan = RebuildPlan.of(2, "c", List.of(1, 2, 3), Map.of(1, member(1, 9, 40), 3, member(3, 11, 38)));
        assertThat(plan.hardState()).isEqualTo(new HardState(11, 2));
        assertThat(plan.voteFenceIndex()).isEqualTo(40);
    }

    @Test
    void everyOtherMemberMustAnswerAsItselfInTheSameCluster() {
        assertThatThrownBy(() -> RebuildPlan.of(2, "c", List.of(1, 2, 3), Map.of(1, member(1, 9, 40))))
                .hasMessageContaining("node 3 did not answer");
        assertThatThrownBy(() -> RebuildPlan.of(2, "c", List.of(1, 2, 3), Map.of(1, member(1, 9, 40), 3, member(2, 9, 40))))
                .hasMessageContaining("answered as node 2");
        assertThatThrownBy(() -> RebuildPlan.of(2, "c", List.of(1, 2, 3),
                Map.of(1, member(1, 9, 40), 3, new RebuildPlan.MemberStatus(3, "other", 9, 40))))
                .hasMessageContaining("cluster 'other'");
        assertThatThrownBy(() -> RebuildPlan.of(4, "c", List.of(1, 2, 3), Map.of()))
                .hasMessageContaining("not a member");
    }

    @Test
    void aMemberThatDoesNotAnswerFailsTheCommandWithOneLine() {
        var command = KvNodeCommand.commandLine();
        var err = new java.io.StringWriter();
        command.setErr(new java.io.PrintWriter(err));
        int port = InProcessCluster.freePort(); // nothing listens there
        int exitCode = command.execute("rebuild", "--id", "1", "--clients", "1=127.0.0.1:1,2=127.0.0.1:" + port,
                "--data-dir", System.getProperty("java.io.tmpdir") + "/kvbench-rebuild-never-created", "--timeout-ms", "500");
        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).startsWith("kvnode rebuild: node 2 at").contains("every other member must be running")
                .doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void aStatusWithoutTheFieldsThePlanNeedsIsRefusedNotReadAsZero() throws Exception {
        assertThat(RebuildCommand.parse("{\"nodeId\":3,\"clusterId\":\"c\",\"term\":9,\"lastIndex\":40}"))
                .isEqualTo(member(3, 9, 40));
        assertThatThrownBy(() -> RebuildCommand.parse("{\"nodeId\":3,\"clusterId\":\"c\",\"term\":9}"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("'lastIndex'");
        assertThatThrownBy(() -> RebuildCommand.parse("{\"nodeId\":3,\"clusterId\":\"c\",\"term\":\"9\",\"lastIndex\":40}"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("'term'");
    }

    @Test
    void aNodeThatStillListensIsNotRebuilt() throws Exception {
        try (var stillRunning = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var command = KvNodeCommand.commandLine();
            var err = new java.io.StringWriter();
            command.setErr(new java.io.PrintWriter(err));
            java.nio.file.Path dataDirectory = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
                    "kvbench-rebuild-still-running-" + ProcessHandle.current().pid());
            int exitCode = command.execute("rebuild", "--id", "1", "--clients", "1=127.0.0.1:" + stillRunning.getLocalPort()
                    + ",2=127.0.0.1:" + InProcessCluster.freePort(), "--data-dir", dataDirectory.toString());
            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString()).startsWith("kvnode rebuild: something still listens at node 1's client address")
                    .contains("stop node 1 before rebuilding it").hasLineCount(1);
            assertThat(dataDirectory).doesNotExist();
        }
    }
}
