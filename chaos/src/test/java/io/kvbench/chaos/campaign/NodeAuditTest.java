package io.kvbench.chaos.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeAuditTest {

    @Test
    void aRepeatOnAnyNodeIsADuplicateViolation() {
        List<NodeAudit.Report> reports = List.of(new NodeAudit.Report(1, 500, 0, 900, true),
                new NodeAudit.Report(2, 500, 2, 900, true), new NodeAudit.Report(3, 480, 0, 870, false));

        assertThat(NodeAudit.violations(reports)).singleElement()
                .satisfies(v -> assertThat(v.description()).startsWith("duplicate: node 2 applied writes more than once 2 times"));
        assertThat(NodeAudit.describe(reports, "kvnode")).isEqualTo("node audit: n1 500 writes, 0 repeated; n2 500 writes, 2 repeated; "
                + "n3 480 writes, 0 repeated (had applied only up to 870)");
    }

    @Test
    void noRepeatsNoViolationsAndNoAuditSaysWhy() {
        assertThat(NodeAudit.violations(List.of(new NodeAudit.Report(1, 10, 0, 12, true)))).isEmpty();
        assertThat(NodeAudit.describe(List.of(), "kvnode")).isEqualTo("node audit: none (nodes not started with --audit-writes)");
        assertThat(NodeAudit.describe(List.of(), "etcd")).isEqualTo("node audit: skipped: etcd keeps no per-write audit (kvnode --audit-writes only)");
    }

    @Test
    void runJsonNamesEachSkippedKvnodeOnlyCheckWithItsReason() {
        assertThat(CampaignWriter.skippedChecks("etcd", false, 1.0, List.of())).containsOnlyKeys("nodeAudit", "eventLogTimings")
                .hasEntrySatisfying("nodeAudit", reason -> assertThat(reason).startsWith("etcd keeps no per-write audit"))
                .hasEntrySatisfying("eventLogTimings", reason -> assertThat(reason)
                        .isEqualTo("etcd writes no role-change event log; elections timed by polling status every 1 ms"));
        assertThat(CampaignWriter.skippedChecks("kvnode", true, Double.NaN, List.of(new NodeAudit.Report(1, 10, 0, 12, true)))).isEmpty();
        assertThat(CampaignWriter.skippedChecks("kvnode", false, 5.0, List.of())).containsOnlyKeys("nodeAudit", "eventLogTimings");
    }
}
